package io.apimfleet.agent.probe;

import io.apimfleet.protocol.bundle.Probe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.TrustOptions;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Runs a bundle's probes on the agent's Vert.x, each on its own timer; every attempt is
 * asynchronous and bounded by the probe's timeout. HTTPS is verified against the trust given
 * (the node's trust store) with the probe's host name checked. State changes go to the listener
 * as they happen. Clients are kept referenced for the runner's lifetime (a collected NetClient
 * closes its sockets).
 */
public final class ProbeRunner {
    private final Vertx vertx;
    private final Clock clock;
    private final BiConsumer<Probe, ProbeVerdicts.State> onChange;
    private final NetClient tcp;
    private final HttpClient http;
    private final HttpClient https;
    private final Map<String, ProbeVerdicts> verdicts = new LinkedHashMap<>();
    private static final AtomicLong LAST_RUN = new AtomicLong();
    private long run;
    private final java.util.Set<Long> timers = new java.util.HashSet<>();

    public ProbeRunner(Vertx vertx, Clock clock, TrustOptions trust, BiConsumer<Probe, ProbeVerdicts.State> onChange) {
        this.vertx = vertx;
        this.clock = clock;
        this.onChange = onChange;
        this.tcp = vertx.createNetClient(new NetClientOptions());
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
        HttpClientOptions tls = new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(false);
        if (trust != null) {
            tls.setTrustOptions(trust);
        }
        this.https = vertx.createHttpClient(tls);
    }

    /** (Re)starts the probes: the product started at {@code productStartedAt}. Call on the event loop. */
    public void run(List<Probe> probes, Instant productStartedAt) {
        stop();
        run = LAST_RUN.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()));
        for (Probe probe : probes) {
            ProbeVerdicts probeVerdicts = new ProbeVerdicts(probe, productStartedAt);
            verdicts.put(probe.name(), probeVerdicts);
            onChange.accept(probe, probeVerdicts.state());   // every probe is known from the start, not only once it passes
            probeNow(probe, probeVerdicts);
        }
    }

    /**
     * One attempt, then the next one {@code interval} after this one began (at once when it took
     * longer): attempts never overlap, so a slow first TLS handshake of a product that just
     * started takes its whole timeout instead of being cut short by the next attempt.
     */
    private void probeNow(Probe probe, ProbeVerdicts probeVerdicts) {
        long began = System.nanoTime();
        attempt(probe).onComplete(ar -> {
            if (verdicts.get(probe.name()) != probeVerdicts) {
                return;   // stopped, or replaced by a newer run
            }
            if (probeVerdicts.record(ar.succeeded() && ar.result(), clock.instant())) {
                onChange.accept(probe, probeVerdicts.state());
            }
            long waited = (System.nanoTime() - began) / 1_000_000;
            long delay = Math.max(1, Math.max(100, probe.interval().toMillis()) - waited);
            long[] timer = new long[1];
            timer[0] = vertx.setTimer(delay, id -> {
                timers.remove(Long.valueOf(timer[0]));
                if (verdicts.get(probe.name()) == probeVerdicts) {
                    probeNow(probe, probeVerdicts);
                }
            });
            timers.add(timer[0]);
        });
    }

    /** Stops the probes and closes the clients: a runner is made again when the trust changes. */
    public void close() {
        stop();
        tcp.close();
        http.close();
        https.close();
    }

    /** Stops every timer; states are forgotten. */
    public void stop() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
        verdicts.clear();
    }

    /**
     * This run's id: larger than any earlier run's of this host (epoch milliseconds at its start),
     * so the controller can drop a verdict of a run already replaced.
     */
    public long runId() {
        return run;
    }

    public Map<String, ProbeVerdicts.State> states() {
        Map<String, ProbeVerdicts.State> states = new LinkedHashMap<>();
        verdicts.forEach((name, v) -> states.put(name, v.state()));
        return states;
    }

    /** healthy, unhealthy, starting, or unknown without probes. */
    public String health() {
        return ProbeVerdicts.health(states().values());
    }

    /** One attempt: true when it succeeded within the probe's timeout (false, never an exception, otherwise). */
    Future<Boolean> attempt(Probe probe) {
        try {
            return tryAttempt(probe);
        } catch (IllegalStateException closing) {
            return Future.succeededFuture(false);   // the agent is shutting down
        }
    }

    private Future<Boolean> tryAttempt(Probe probe) {
        long timeout = Math.max(1, probe.timeout().toMillis());
        if (probe.kind() == Probe.Kind.TCP) {
            return tcp.connect(probe.port(), probe.host())
                    .timeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .map(socket -> {
                        socket.close();
                        return true;
                    })
                    .otherwise(false);
        }
        HttpClient client = probe.kind() == Probe.Kind.HTTPS ? https : http;
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(probe.host()).setPort(probe.port())
                .setURI(probe.path() == null ? "/" : probe.path()).setTimeout(timeout);
        return client.request(request)
                .compose(r -> r.send())
                .compose(response -> response.body().map(body -> response.statusCode() >= 200 && response.statusCode() < 400))
                .otherwise(false);
    }
}
