package io.apimfleet.controller.spec;

import java.time.Duration;
import java.util.List;

/**
 * How a change rolls through the live cluster.
 *
 * @param order           the start order of the API-M roles; the load balancer always goes first
 * @param maxUnavailable  nodes of one role out of service at once
 * @param minHealthy      how long a node must stay healthy before the next one is touched
 * @param healthyDeadline a node not healthy by then fails the rollout
 * @param autoRollback    a failed node returns to its previous bundle
 * @param probeInterval   how often each node's agent runs its health probes
 */
public record Rollout(List<Role> order, int maxUnavailable, Duration minHealthy,
                      Duration healthyDeadline, boolean autoRollback, Duration probeInterval) {
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(5);

    public static final List<Role> DEFAULT_ORDER = Role.apimRoles();

    public Rollout {
        order = order == null ? DEFAULT_ORDER : List.copyOf(order);
        probeInterval = probeInterval == null ? DEFAULT_PROBE_INTERVAL : probeInterval;
    }

    public static Rollout defaults() {
        return new Rollout(DEFAULT_ORDER, 1, Duration.ofSeconds(10), Duration.ofMinutes(5), true, DEFAULT_PROBE_INTERVAL);
    }
}
