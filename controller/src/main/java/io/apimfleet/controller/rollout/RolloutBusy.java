package io.apimfleet.controller.rollout;

/** Another rollout is running: one at a time, never queued silently. */
public final class RolloutBusy extends RolloutFailure {
    public RolloutBusy(long running) {
        super("rollout " + running + " is running; wait for it (fleet rollout status) or stop it (fleet rollout abort)");
    }

    public RolloutBusy(String why) {
        super(why + "; wait for it (fleet rollout status)");
    }
}
