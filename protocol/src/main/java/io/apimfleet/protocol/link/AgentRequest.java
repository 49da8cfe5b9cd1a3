package io.apimfleet.protocol.link;

import io.apimfleet.protocol.bundle.Bundle;

/**
 * A request from the controller to one agent, on {@link Addresses#commands}. One bundle request
 * runs at a time per host; another is refused with a reason, never queued silently.
 */
public record AgentRequest(Kind kind, Bundle bundle, boolean force, int lines) {
    /**
     * FACTS; PLAN, APPLY, ROLLBACK (bundles); START (the product, with the process of the last
     * applied bundle), STOP (graceful, then killed after a timeout; {@code force}: kill at once),
     * RESTART, LOGS (the last {@code lines} lines of the product's log).
     */
    public enum Kind { FACTS, PLAN, APPLY, ROLLBACK, START, STOP, RESTART, LOGS }

    public AgentRequest(Kind kind, Bundle bundle, boolean force) {
        this(kind, bundle, force, 0);
    }

    public static AgentRequest of(Kind kind) {
        return new AgentRequest(kind, null, false, 0);
    }
}
