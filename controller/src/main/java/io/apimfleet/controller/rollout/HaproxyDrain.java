package io.apimfleet.controller.rollout;

import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * HAProxy's drain, through the runtime API on the load balancer's admin socket (its agent relays
 * one command line per request): {@code drain} (no new sessions), {@code maint} once its sessions
 * are gone or the drain timeout passed, then after the restart {@code ready} and a wait until
 * HAProxy's own health checks mark it UP, so the next node is not taken out while this one is not
 * back yet. The configuration file is never touched.
 */
final class HaproxyDrain implements LoadBalancerDrain {
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 200;

    private final Vertx vertx;
    private final AgentRequests requests;
    private final ClusterSpec spec;
    private final String balancer;

    HaproxyDrain(Vertx vertx, AgentRequests requests, ClusterSpec spec, String balancer) {
        this.vertx = vertx;
        this.requests = requests;
        this.spec = spec;
        this.balancer = balancer;
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    /** drain, then maint once its sessions are gone (or after {@link #DRAIN_TIMEOUT}). */
    @Override
    public Future<Void> takeOut(String node) {
        String server = server(node);
        return admin("set server " + server + " state drain")
                .compose(v -> until(stat -> stat.sessions(server) == 0, DRAIN_TIMEOUT))
                .compose(empty -> admin("set server " + server + " state maint"));
    }

    /** ready, then wait until HAProxy's health checks say UP (within {@code deadline}). */
    @Override
    public Future<Void> putBack(String node, Duration deadline) {
        String server = server(node);
        return admin("set server " + server + " state ready")
                .compose(v -> until(stat -> stat.status(server).startsWith("UP"), deadline))
                .compose(up -> up ? Future.succeededFuture()
                        : Future.failedFuture(new RolloutFailure("node " + node + ": the load balancer did not mark it UP within "
                        + deadline.toSeconds() + " s (its health check: GET /carbon/admin/login.jsp, verified TLS)")));
    }

    /** {@code ready} for every fronted node: HAProxy keeps a runtime drain until it restarts, whoever asked for it. */
    @Override
    public Future<Void> restoreAll() {
        Future<Void> all = Future.succeededFuture();
        for (String node : spec.nodes().stream().map(n -> n.name()).filter(this::fronts).toList()) {
            all = all.compose(v -> admin("set server " + server(node) + " state ready"));
        }
        return all;
    }

    private String server(String node) {
        return spec.node(node).orElseThrow().role().yamlName() + "/" + node;
    }

    private Future<Void> admin(String command) {
        return Rollouts.hostReply(balancer, "the load balancer's '" + command + "'", requests.request(balancer, AgentRequest.admin(command)))
                .compose(answer -> answer == null || answer.isBlank() ? Future.succeededFuture()
                        : Future.failedFuture(new RolloutFailure("load balancer " + balancer + " refused '" + command + "': " + answer.strip())));
    }

    /** Polls {@code show stat} until {@code condition} holds (true) or {@code timeout} passes (false). */
    private Future<Boolean> until(Predicate<Stat> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Promise<Boolean> done = Promise.promise();
        poll(condition, deadline, done);
        return done.future();
    }

    private void poll(Predicate<Stat> condition, long deadline, Promise<Boolean> done) {
        Rollouts.hostReply(balancer, "the load balancer's 'show stat'", requests.request(balancer, AgentRequest.admin("show stat")))
                .onFailure(done::tryFail)
                .onSuccess(csv -> {
                    if (condition.test(new Stat(csv))) {
                        done.tryComplete(true);
                    } else if (System.nanoTime() > deadline) {
                        done.tryComplete(false);
                    } else {
                        vertx.setTimer(POLL_MILLIS, id -> poll(condition, deadline, done));
                    }
                });
    }

    /** HAProxy's {@code show stat} CSV: a header naming the columns, one row per proxy and server. */
    record Stat(String csv) {
        int sessions(String server) {
            String value = column(server, "scur");
            return value == null || value.isBlank() ? 0 : Integer.parseInt(value.strip());
        }

        String status(String server) {
            String value = column(server, "status");
            return value == null ? "" : value.strip();
        }

        private String column(String server, String name) {
            List<String> lines = csv.lines().toList();
            if (lines.isEmpty()) {
                return null;
            }
            List<String> header = List.of(lines.get(0).replaceFirst("^#\\s*", "").split(",", -1));
            int index = header.indexOf(name);
            String[] parts = server.split("/", 2);
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                if (index >= 0 && cells.length > index && cells[0].equals(parts[0]) && cells[1].equals(parts[1])) {
                    return cells[index];
                }
            }
            return null;
        }
    }
}
