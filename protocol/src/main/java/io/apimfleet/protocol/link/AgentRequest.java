package io.apimfleet.protocol.link;

import io.apimfleet.protocol.bundle.Bundle;

/**
 * A request from the controller to one agent, on {@link Addresses#commands}. One bundle request
 * runs at a time per host; another is refused with a reason, never queued silently.
 */
public record AgentRequest(Kind kind, Bundle bundle, boolean force) {
    public enum Kind { FACTS, PLAN, APPLY, ROLLBACK }

    public static AgentRequest of(Kind kind) {
        return new AgentRequest(kind, null, false);
    }
}
