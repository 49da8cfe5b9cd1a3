package io.apimfleet.controller.api;

import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code POST /v1/agents/ping[?node=NAME...]} (admin): a no-op {@link AgentRequest.Kind#FACTS}
 * request to every connected agent (or to the named ones) at once, answered when every agent has
 * replied, failed or timed out (the controller's request timeout). It changes nothing on the hosts;
 * it shows whether the agents answer and how fast, and it is what the benchmarks time as a
 * broadcast. The answer ({@link Result}): how many were asked, answered, refused and failed (with up
 * to {@value #MAX_FAILURES} failure messages), the time from the first request to the last answer,
 * and the percentiles of the single request/reply times, in milliseconds.
 *
 * <p>Runs on the controller's context (where the registry of live agents lives).
 */
public final class AgentPing {
    static final int MAX_FAILURES = 10;

    /**
     * What a ping found.
     *
     * @param asked     agents asked (connected ones, or the named ones)
     * @param answered  agents that answered (ok or refused)
     * @param refused   answers with {@code ok: false}
     * @param failed    requests that failed: not connected, timed out, or an error
     * @param millis    first request sent to last answer or failure
     * @param p50Millis median single request/reply time of the answered requests (0 when none)
     * @param p99Millis 99th percentile of the same
     * @param maxMillis the slowest answer
     * @param failures  the first failure messages, {@code node: message}
     */
    public record Result(int asked, int answered, int refused, int failed, double millis, double p50Millis,
                         double p99Millis, double maxMillis, List<String> failures) {
    }

    private final Supplier<Collection<String>> connected;
    private final Function<String, Future<AgentReply>> ask;

    /**
     * @param connected the nodes connected now
     * @param ask       sends one request to one node (the controller's {@code AgentRequests})
     */
    public AgentPing(Supplier<Collection<String>> connected, Function<String, Future<AgentReply>> ask) {
        this.connected = connected;
        this.ask = ask;
    }

    /** The request a ping sends: facts, which every agent answers without touching its host. */
    public static AgentRequest request() {
        return AgentRequest.of(AgentRequest.Kind.FACTS);
    }

    /** Pings {@code nodes}, or every connected agent when it is empty. */
    public Future<Result> ping(List<String> nodes) {
        List<String> targets = nodes.isEmpty() ? List.copyOf(connected.get()) : List.copyOf(nodes);
        Promise<Result> done = Promise.promise();
        if (targets.isEmpty()) {
            done.complete(new Result(0, 0, 0, 0, 0, 0, 0, 0, List.of()));
            return done.future();
        }
        long started = System.nanoTime();
        double[] times = new double[targets.size()];
        int[] counts = new int[4];   // outstanding, answered, refused, failed
        counts[0] = targets.size();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String node : targets) {
            long sent = System.nanoTime();
            Future<AgentReply> reply;
            try {
                reply = ask.apply(node);
            } catch (RuntimeException e) {
                reply = Future.failedFuture(e);
            }
            reply.onComplete(ar -> {
                if (ar.succeeded()) {
                    times[counts[1]++] = (System.nanoTime() - sent) / 1e6;
                    if (!ar.result().ok()) {
                        counts[2]++;
                    }
                } else {
                    counts[3]++;
                    if (failures.size() < MAX_FAILURES) {
                        failures.put(node, String.valueOf(ar.cause().getMessage()));
                    }
                }
                if (--counts[0] == 0) {
                    double[] answered = Arrays.copyOf(times, counts[1]);
                    Arrays.sort(answered);
                    List<String> messages = new ArrayList<>();
                    failures.forEach((n, m) -> messages.add(n + ": " + m));
                    done.complete(new Result(targets.size(), counts[1], counts[2], counts[3], (System.nanoTime() - started) / 1e6,
                            percentile(answered, 50), percentile(answered, 99), answered.length == 0 ? 0 : answered[answered.length - 1],
                            messages));
                }
            });
        }
        return done.future();
    }

    /** The nearest-rank percentile of sorted values; 0 for none. */
    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
