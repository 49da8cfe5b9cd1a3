package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.bundle.Probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a node shows it is healthy, from its role's ports (each plus the node's offset): the
 * management console answers {@value #CONSOLE} on every role (200 once started, as the product
 * and its stand-in do), and the ports peers depend on accept connections.
 */
final class HealthProbes {
    static final String CONSOLE = "/carbon/admin/login.jsp";
    /** Bounds of one attempt's timeout; between them it is {@value #TIMEOUT_INTERVALS} intervals. */
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);
    private static final int TIMEOUT_INTERVALS = 4;
    private static final int SUCCESSES = 1;
    private static final int FAILURES = 3;

    /** The ports, beyond the console, that must accept connections per role. */
    private static final Map<Role, List<ApimPort>> LISTENERS = Map.of(
            Role.KEY_MANAGER, List.of(ApimPort.THRIFT),
            Role.PUBLISHER, List.of(),
            Role.STORE, List.of(),
            Role.TRAFFIC_MANAGER, List.of(ApimPort.THROTTLE_RECEIVER, ApimPort.THROTTLE_AUTH, ApimPort.JMS),
            Role.GATEWAY, List.of(ApimPort.PASSTHROUGH_HTTP, ApimPort.PASSTHROUGH_HTTPS));

    private HealthProbes() {
    }

    /**
     * Longer than the interval (attempts do not overlap, and a freshly started JVM's first TLS
     * handshake is slow) but short enough that a hung product, which accepts connections and never
     * answers, fails its {@value #FAILURES} attempts within seconds, not three times 5 s.
     */
    static Duration timeout(Duration interval) {
        Duration scaled = interval.multipliedBy(TIMEOUT_INTERVALS);
        return scaled.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : scaled.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : scaled;
    }

    /** A start-up allowance of {@code rollout.healthyDeadline}: API-M takes minutes to start. */
    static List<Probe> of(ClusterSpec spec, Node node) {
        Duration grace = spec.rollout().healthyDeadline();
        Duration interval = spec.rollout().probeInterval();
        Duration timeout = timeout(interval);
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe("console", Probe.Kind.HTTPS, node.host(), ApimPort.SERVLET_HTTPS.on(node), CONSOLE,
                interval, timeout, SUCCESSES, FAILURES, grace));
        for (ApimPort port : LISTENERS.get(node.role())) {
            probes.add(new Probe(port.name().toLowerCase().replace('_', '-'), Probe.Kind.TCP, node.host(), port.on(node), null,
                    interval, timeout, SUCCESSES, FAILURES, grace));
        }
        return probes;
    }
}
