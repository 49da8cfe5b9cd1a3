package io.apimfleet.controller.rollout;

/** A rollout command that does not fit the rollouts' state (resume of a finished one, undo of nothing): nothing was changed. */
public final class RolloutRefused extends RuntimeException {
    public RolloutRefused(String message) {
        super(message, null, false, false);
    }
}
