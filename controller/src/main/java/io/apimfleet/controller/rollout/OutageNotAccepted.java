package io.apimfleet.controller.rollout;

import java.util.List;

/** A rollout that would make a role with one node unavailable while it restarts, sent without {@code --yes}: nothing was changed. */
public final class OutageNotAccepted extends RuntimeException {
    private final List<String> outages;

    public OutageNotAccepted(List<String> outages) {
        super(String.join("; ", outages) + "; nothing was changed: accept the outage with --yes, or double the role behind the load balancer",
                null, false, false);
        this.outages = List.copyOf(outages);
    }

    public List<String> outages() {
        return outages;
    }
}
