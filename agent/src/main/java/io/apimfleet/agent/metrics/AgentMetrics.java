package io.apimfleet.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus text on {@code GET /metrics} of a listener bound to a local address: whether the
 * link is up, heartbeats sent, the product's state and bundle revision, each probe's state, and
 * requests from the controller by kind and outcome with their latency. Never a secret.
 */
public final class AgentMetrics {
    /** What the metrics read from the running agent, at each scrape. */
    public interface Source {
        boolean connected();

        long heartbeatsSent();

        /** The window the link spreads its reconnections over, as the controller advised for the fleet's size. */
        Duration reconnectSpread();

        /** running, stopped, exited or unknown. */
        String productState();

        long bundleRevision();

        /** Each probe's state (starting, passing, failing) by name. */
        Map<String, String> probes();
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Source source;
    private final Set<String> probesSeen = ConcurrentHashMap.newKeySet();

    public AgentMetrics(Source source) {
        this.source = source;
        Gauge.builder("fleet.agent.connected", source, s -> s.connected() ? 1 : 0)
                .description("1 while the link to the controller is up").register(registry);
        FunctionCounter.builder("fleet.agent.heartbeats", source, Source::heartbeatsSent)
                .description("heartbeats sent to the controller").register(registry);
        Gauge.builder("fleet.agent.reconnect.spread", source, s -> s.reconnectSpread().toMillis() / 1000.0).baseUnit("seconds")
                .description("the window reconnections are spread over, advised by the controller for the fleet's size").register(registry);
        Gauge.builder("fleet.agent.product.running", source, s -> "running".equals(s.productState()) ? 1 : 0)
                .description("1 while the supervised product runs").register(registry);
        Gauge.builder("fleet.agent.bundle.revision", source, Source::bundleRevision)
                .description("the revision of the last bundle applied to the home").register(registry);
    }

    /** A request from the controller was answered: {@code outcome} ok, refused or failed. */
    public void request(String kind, String outcome, Duration took) {
        Timer.builder("fleet.agent.requests").tag("kind", kind.toLowerCase(Locale.ROOT)).tag("outcome", outcome)
                .description("requests from the controller, by kind and outcome").register(registry).record(took);
    }

    public String scrape() {
        for (String probe : source.probes().keySet()) {
            if (probesSeen.add(probe)) {
                Gauge.builder("fleet.agent.probe.passing", source, s -> "passing".equals(s.probes().get(probe)) ? 1 : 0)
                        .tag("probe", probe).description("1 while the probe passes").register(registry);
            }
        }
        return registry.scrape();
    }

    /** Runs blocking work off the event loop (a scrape reads the agent's state files). */
    public interface Blocking {
        <T> Future<T> run(Callable<T> work);
    }

    /** Serves {@code GET /metrics} on {@code host:port} (port 0: any free one); each scrape runs through {@code blocking}. */
    public Future<HttpServer> serve(Vertx vertx, String host, int port, Blocking blocking) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(request -> {
            if (!"/metrics".equals(request.path())) {
                request.response().setStatusCode(404).end("only /metrics here\n");
                return;
            }
            blocking.run(this::scrape).onComplete(text -> {
                if (text.succeeded()) {
                    request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text.result());
                } else {
                    request.response().setStatusCode(500).end("cannot gather the metrics\n");
                }
            });
        }).listen();
    }
}
