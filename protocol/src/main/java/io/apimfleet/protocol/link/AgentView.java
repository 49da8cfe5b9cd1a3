package io.apimfleet.protocol.link;

import java.time.Instant;

/** One row of {@code fleet agents} / {@code GET /v1/agents}. */
public record AgentView(String node, String host, boolean connected, Instant lastHeartbeat, String productState,
                        long bundleRevision, Long certificateDaysLeft, Facts facts) {
}
