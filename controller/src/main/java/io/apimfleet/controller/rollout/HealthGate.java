package io.apimfleet.controller.rollout;

import io.apimfleet.controller.registry.LiveAgents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Waits until every one of a node's probes passes and keeps passing for {@code minHealthy}, within a deadline
 * counted from its start; fails at once when its product exits or its agent is lost, and names
 * the probe that kept it from health when the deadline passes. Checks every 100 ms on the
 * controller's event loop (the agents report probe changes as they happen). An abort does not cut
 * it short: a node already started is seen through to healthy or failed (and rolled back).
 */
final class HealthGate {
    private static final long CHECK_MILLIS = 100;

    /** Why a node did not become healthy, with what the operator needs to see. */
    static final class NotHealthy extends RolloutFailure {
        final String probe;
        final List<String> lastLines;

        NotHealthy(String message, String probe, List<String> lastLines) {
            super(message);
            this.probe = probe;
            this.lastLines = lastLines == null ? List.of() : List.copyOf(lastLines);
        }
    }

    private HealthGate() {
    }

    /** @return how long after {@code startedNanos} the node became healthy */
    static Future<Duration> await(Vertx vertx, LiveAgents live, String node, List<String> probes, long startedNanos,
                                  Duration deadline, Duration minHealthy) {
        Promise<Duration> promise = Promise.promise();
        long[] healthySince = {-1};
        vertx.setPeriodic(0, CHECK_MILLIS, timer -> {
            long now = System.nanoTime();
            LiveAgents.Live state = live.get(node).orElse(null);
            String failure = null;
            String probe = null;
            List<String> lines = null;
            if (state == null || !state.connected()) {
                failure = "its agent was lost (no heartbeat): the product may still run, but the controller cannot see it";
            } else if (state.lastExit() != null && !Boolean.TRUE.equals(state.lastExit().get("requested"))) {
                Object code = state.lastExit().get("code");
                failure = "its product exited" + (code == null ? "" : " with code " + code) + " before it became healthy";
                lines = lastLines(state.lastExit());
            } else if ("healthy".equals(state.health()) && state.probes().keySet().containsAll(probes)) {
                if (healthySince[0] < 0) {
                    healthySince[0] = now;
                }
                if (Duration.ofNanos(now - healthySince[0]).compareTo(minHealthy) >= 0) {
                    vertx.cancelTimer(timer);
                    promise.tryComplete(Duration.ofNanos(healthySince[0] - startedNanos));
                    return;
                }
            } else {
                healthySince[0] = -1;
            }
            if (failure == null && Duration.ofNanos(now - startedNanos).compareTo(deadline) > 0) {
                probe = notPassing(state, probes);
                failure = probe == null && healthySince[0] >= 0
                        ? "healthy, but not for rollout.minHealthy (" + human(minHealthy) + ") within rollout.healthyDeadline (" + human(deadline) + ")"
                        : "not healthy within rollout.healthyDeadline (" + human(deadline) + ")" + (probe == null ? "" : ": probe " + probe);
            }
            if (failure != null) {
                vertx.cancelTimer(timer);
                promise.tryFail(new NotHealthy(failure, probe, lines));
            }
        });
        return promise.future();
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The probes that are not passing, with their states, e.g. {@code console (failing)}. */
    private static String notPassing(LiveAgents.Live state, List<String> probes) {
        if (state == null) {
            return null;
        }
        String names = probes.stream().filter(p -> !"passing".equals(state.probes().get(p)))
                .map(p -> p + " (" + state.probes().getOrDefault(p, "not reported") + ")").collect(Collectors.joining(", "));
        return names.isEmpty() ? null : names;
    }

    @SuppressWarnings("unchecked")
    private static List<String> lastLines(Map<String, Object> exit) {
        return exit.get("lastLines") instanceof List<?> l ? (List<String>) l : List.of();
    }
}
