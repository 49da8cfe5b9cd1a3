package io.apimfleet.controller.rollout;

/** Why a rollout or a node failed, in words an operator can act on; never holds a secret. */
public class RolloutFailure extends RuntimeException {
    public RolloutFailure(String message) {
        super(message, null, false, false);
    }
}
