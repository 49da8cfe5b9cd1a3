package io.apimfleet.agent.apply;

import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs the controller's bundle requests (plan, apply, rollback) and product requests (start, stop,
 * restart, logs) on a single worker thread of its
 * own, never on an event loop, and one at a time per host: a request that arrives while another
 * runs is refused at once with a reason, never queued silently.
 */
public final class BundleWorker {
    /** The bundle request under way. */
    public record Running(AgentRequest.Kind kind, Instant startedAt) {
    }

    private final WorkerExecutor executor;
    private final String node;
    private final Function<Secrets, BundleApplier> applier;
    private final Clock clock;
    private final AtomicReference<Running> running = new AtomicReference<>();
    private final Function<AgentRequest, AgentReply> product;

    /**
     * @param applier the applier of this host's home given the request's secrets, or a function
     *                that throws when there is no home
     */
    public BundleWorker(Vertx vertx, String node, Function<Secrets, BundleApplier> applier, Clock clock) {
        this(vertx, node, applier, clock, r -> AgentReply.refused("this agent does not supervise the product"));
    }

    /**
     * @param product runs the host requests (start, stop, restart, logs, TLS CSR) on the same worker
     *                and under the same one-request-at-a-time rule as bundle requests; blocking
     */
    public BundleWorker(Vertx vertx, String node, Function<Secrets, BundleApplier> applier, Clock clock,
                        Function<AgentRequest, AgentReply> product) {
        this.product = product;
        this.executor = vertx.createSharedWorkerExecutor("fleet-bundle", 1, 30, TimeUnit.MINUTES);
        this.node = node;
        this.applier = applier;
        this.clock = clock;
    }

    public Future<AgentReply> submit(AgentRequest request) {
        if (request.kind() == AgentRequest.Kind.FACTS) {
            throw new IllegalArgumentException("facts are not a bundle request");
        }
        Running mine = new Running(request.kind(), clock.instant().truncatedTo(ChronoUnit.SECONDS));
        if (!running.compareAndSet(null, mine)) {
            Running other = running.get();
            return Future.succeededFuture(AgentReply.refused("another " + (other != null && isProduct(other.kind()) ? "product" : "bundle")
                    + " request is running on this host"
                    + (other == null ? "" : " (" + other.kind().name().toLowerCase(Locale.ROOT) + ", started " + other.startedAt() + ")")));
        }
        return executor.<AgentReply>executeBlocking(() -> run(request), false)
                .onComplete(ar -> running.compareAndSet(mine, null));
    }

    /** Finishes a swap a crash interrupted (the applier does it before every apply too); on the worker. */
    public Future<Boolean> recover() {
        return executor.executeBlocking(() -> applier.apply(Secrets.none()).recover(), false);
    }

    public Future<Void> close() {
        return executor.close();
    }

    private static boolean isProduct(AgentRequest.Kind kind) {
        return switch (kind) {
            case START, STOP, RESTART, LOGS, TLS_CSR, RELOAD, ADMIN -> true;
            default -> false;
        };
    }

    private AgentReply run(AgentRequest request) {
        if (isProduct(request.kind())) {
            try {
                return product.apply(request);
            } catch (BundleException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
                return AgentReply.refused(e.getMessage());
            }
        }
        try {
            if (request.kind() != AgentRequest.Kind.ROLLBACK) {
                Bundle bundle = request.bundle();
                if (bundle == null) {
                    return AgentReply.refused("a " + request.kind().name().toLowerCase(Locale.ROOT) + " request needs a bundle");
                }
                if (bundle.node() != null && !bundle.node().equals(node)) {
                    return AgentReply.refused("the bundle is for node " + bundle.node() + "; this host is " + node);
                }
                BundleApplier home = applier.apply(Secrets.of(request.secrets()));
                return new AgentReply(true, null, null,
                        request.kind() == AgentRequest.Kind.PLAN ? home.plan(bundle) : home.apply(bundle), null);
            }
            return new AgentReply(true, null, null, null, applier.apply(Secrets.none()).rollback(request.force(), request.revision()));
        } catch (BundleException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            return AgentReply.refused(e.getMessage());
        }
    }
}
