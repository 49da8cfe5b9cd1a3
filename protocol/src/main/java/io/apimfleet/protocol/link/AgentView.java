package io.apimfleet.protocol.link;

import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code fleet agents} / {@code GET /v1/agents}.
 *
 * @param role   the node's role in the last spec the controller applied, null before any
 * @param health healthy, unhealthy, starting, stopped or unknown, folded from the node's probes
 * @param probes each probe's last state (starting, passing, failing), by probe name
 * @param controller with clustered controllers, the one the agent is linked to (its API address) when
 *                   that is not the controller answering; null when it is, or when the agent is not connected
 */
public record AgentView(String node, String host, boolean connected, Instant lastHeartbeat, String productState,
                        long bundleRevision, Long certificateDaysLeft, Facts facts, String role, String health,
                        Map<String, String> probes, String controller) {
    public AgentView {
        probes = probes == null ? Map.of() : Map.copyOf(probes);
    }
}
