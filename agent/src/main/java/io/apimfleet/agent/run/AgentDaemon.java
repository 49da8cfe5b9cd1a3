package io.apimfleet.agent.run;

import io.apimfleet.agent.AgentVersion;
import io.apimfleet.agent.apply.BundleWorker;
import io.apimfleet.agent.apply.LocalHome;
import io.apimfleet.agent.enroll.AgentState;
import io.apimfleet.agent.enroll.ControllerLink;
import io.apimfleet.agent.enroll.BridgeEndpoints;
import io.apimfleet.agent.enroll.Endpoint;
import io.apimfleet.agent.enroll.HostKeys;
import io.apimfleet.agent.enroll.Identity;
import io.apimfleet.agent.enroll.Renewal;
import io.apimfleet.agent.facts.HostFacts;
import io.apimfleet.agent.link.BridgeLink;
import io.apimfleet.agent.link.EpochFence;
import io.apimfleet.agent.metrics.AgentMetrics;
import io.apimfleet.agent.supervise.Executables;
import io.apimfleet.agent.supervise.ProductSupervisor;
import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.stage.AppliedRevision;
import io.apimfleet.bundle.stage.StateDir;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.Facts;
import io.vertx.core.Future;
import io.apimfleet.agent.probe.ProbeRunner;
import io.apimfleet.agent.probe.ProbeVerdicts;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.protocol.bundle.Probe;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.TrustOptions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * {@code fleet-agent run}: one small Vert.x instance (one event loop, two workers), the link to
 * the controller, the bundle worker, the product supervisor and the renewal timer. Stopping it
 * never touches the product: the next agent adopts it.
 */
public final class AgentDaemon {
    private final Vertx vertx;
    private final AgentState state;
    private final AgentSettings settings;
    private final Renewal renewal;
    private final BundleWorker bundles;
    private final HostFacts facts;
    private final BridgeLink link;
    private final ProductSupervisor product;
    private volatile ProbeRunner probeRunner;
    private volatile AgentMetrics metrics;
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    private final LocalHome local;
    private final String node;
    private final long renewalTimer;
    private volatile Identity identity;
    private volatile ClientSSLOptions tls;
    private boolean renewing;

    private AgentDaemon(AgentState state, Identity identity, ControllerLink controller, Path home, AgentSettings settings) {
        this.state = state;
        this.settings = settings;
        this.identity = identity;
        this.tls = clientTls(identity);
        this.node = identity.node();
        this.renewal = new Renewal(state, settings.clock(), settings.log());
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        LocalHome local = home == null ? null : new LocalHome(home, state.root(), null);
        this.local = local;
        List<Endpoint> endpoints = BridgeEndpoints.parse(controller.bridgeEndpoints(), line -> settings.log().accept("link: " + line));
        this.link = new BridgeLink(vertx, node, endpoints, () -> tls, this::gatherFacts, this::handle, EpochFence.in(state.root()), settings.link(),
                settings.clock(), settings.random(), settings.log());
        this.product = new ProductSupervisor(vertx, state.root(), link::sendEvent, settings.log());
        product.adoptAndWatch();
        if (product.state() == ProductSupervisor.State.RUNNING) {
            startProbes();   // an adopted product: probe it as if it had just started (its allowance applies)
        }
        this.bundles = new BundleWorker(vertx, node, given -> applier(local, given), settings.clock(), this::hostRequest);
        this.facts = new HostFacts(home, state.root(), () -> local == null ? List.of() : applier(local).history(),
                () -> product.state().label());
        if (local != null && Files.isDirectory(home)) {
            bundles.recover().onComplete(ar -> {
                if (ar.failed()) {
                    settings.log().accept("bundle: cannot finish an interrupted swap: " + ar.cause().getMessage());
                } else if (ar.result()) {
                    settings.log().accept("bundle: finished a swap that a crash interrupted");
                }
            });
        }
        long period = Math.max(1, settings.renewalCheck().toMillis());
        this.renewalTimer = vertx.setPeriodic(Math.min(period, 10_000), period, id -> checkRenewal());
        settings.log().accept("fleet-agent " + AgentVersion.get() + " running as " + node + " (certificate valid until "
                + identity.notAfter() + ", renewal from " + identity.renewalDue() + "); home "
                + (home == null ? "none" : home) + "; bridge " + String.join(", ", controller.bridgeEndpoints()));
        link.onConnected(this::reportProbes);
        // ordered: two new lists in a row are written in the order they came, the newest last
        link.onNewEndpoints(list -> vertx.executeBlocking(() -> state.updateBridgeEndpoints(list), true).mapEmpty());
        link.start();
    }

    /**
     * Starts the agent of the state directory {@code stateDir}.
     *
     * @param homeOverride the API-M home to manage instead of the one given at join (may be null)
     * @throws IllegalStateException when the directory holds no usable identity (join first)
     */
    public static AgentDaemon start(Path stateDir, Path homeOverride, AgentSettings settings) {
        AgentState state = new AgentState(stateDir);
        Identity identity = state.loadIdentity();
        ControllerLink controller = state.readLink();
        Path home = homeOverride != null ? homeOverride : controller.home() == null ? null : Path.of(controller.home());
        return new AgentDaemon(state, identity, controller, home == null ? null : home.toAbsolutePath().normalize(), settings);
    }

    public String node() {
        return node;
    }

    public BridgeLink link() {
        return link;
    }

    public Identity identity() {
        return identity;
    }

    /** Closes the link and the Vert.x instance; a bundle swap under way finishes or is replayed at the next start. */
    public Future<Void> stop() {
        vertx.cancelTimer(renewalTimer);
        product.close();   // the product keeps running: the next agent adopts it
        stopProbes();
        return link.stop()
                .transform(ar -> bundles.close())
                .transform(ar -> vertx.close());
    }

    private BundleApplier applier(LocalHome local) {
        return applier(local, Secrets.none());
    }

    private BundleApplier applier(LocalHome local, Secrets given) {
        if (local == null) {
            throw new IllegalStateException("this agent manages no API-M home: join with --home, or run with --home");
        }
        return local.applier(settings.environment(), settings.checkpoints(), given);
    }

    /** The product's supervisor (its state, pid and log). */
    public ProductSupervisor product() {
        return product;
    }

    /** A product or TLS-key request, on the bundle worker (blocking allowed). */
    private AgentReply hostRequest(AgentRequest request) {
        return switch (request.kind()) {
            case TLS_CSR -> {
                if (request.subject() == null || request.subject().isBlank()) {
                    yield AgentReply.refused("a TLS CSR request needs the certificate's subject (the node's host)");
                }
                yield new AgentReply(true, null, null, null, null,
                        new HostKeys(state.hostSecrets()).tlsRequest(request.subject(), request.force()));
            }
            case START -> {
                ProcessSpec process = lastProcess();
                Executables.requireInstalled(process, settings.environment());
                long pid = product.start(process, local.home());
                startProbes();
                yield new AgentReply(true, null, null, null, null, "started, pid " + pid);
            }
            case STOP -> {
                stopProbes();
                yield new AgentReply(true, null, null, null, null,
                        product.stop(ProductSupervisor.DEFAULT_STOP_TIMEOUT, request.force()).label());
            }
            case RESTART -> {
                ProcessSpec spec = lastProcess();
                Executables.requireInstalled(spec, settings.environment());
                stopProbes();
                long pid = product.restart(spec, local.home(), ProductSupervisor.DEFAULT_STOP_TIMEOUT);
                startProbes();
                yield new AgentReply(true, null, null, null, null, "restarted, pid " + pid);
            }
            case RELOAD -> {
                ProcessSpec spec = lastProcess();
                if (spec.reload() == null) {
                    yield AgentReply.refused("the last applied bundle names no reload command: restart the product instead");
                }
                yield new AgentReply(true, null, null, null, null, Executables.run(spec.reload(), local.home(), spec.environment(), RELOAD_TIMEOUT));
            }
            case ADMIN -> {
                ProcessSpec spec = lastProcess();
                if (spec.adminSocket() == null || request.subject() == null) {
                    yield AgentReply.refused("the last applied bundle names no admin socket, or the request no command");
                }
                yield new AgentReply(true, null, null, null, null, Executables.ask(Path.of(spec.adminSocket()), request.subject(), ADMIN_TIMEOUT));
            }
            case LOGS -> new AgentReply(true, null, null, null, null,
                    product.logs(request.lines() <= 0 ? 100 : request.lines()));
            default -> AgentReply.refused("not a product request: " + request.kind());
        };
    }

    /** The process of the newest applied bundle. */
    private ProcessSpec lastProcess() {
        Bundle bundle = lastBundle().orElseThrow(() ->
                new IllegalStateException("no bundle has been applied to this host: nothing says how to start the product"));
        if (bundle.process() == null || bundle.process().command().isEmpty()) {
            throw new IllegalStateException("the last applied bundle (revision " + bundle.revision() + ") names no product command");
        }
        return bundle.process();
    }

    /** The newest applied bundle ({@code bundles/bundles/SEQ.json} in the state directory). */
    private Optional<Bundle> lastBundle() {
        if (local == null) {
            throw new IllegalStateException("this agent manages no API-M home: join with --home, or run with --home");
        }
        List<AppliedRevision> history = applier(local).history();
        if (history.isEmpty()) {
            return Optional.empty();
        }
        AppliedRevision last = history.get(history.size() - 1);
        return Optional.of(LocalHome.readBundle(new StateDir(state.root().resolve("bundles")).bundle(last.seq())));
    }

    /**
     * Runs the last bundle's probes from now (the product just started or was adopted), on a fresh
     * runner so HTTPS trusts the node's trust store as it is now; changes go out as events.
     */
    private void startProbes() {
        List<Probe> probes = local == null ? List.of() : lastBundle().map(Bundle::probes).orElse(List.of());
        TrustOptions trust = nodeTrust();
        vertx.runOnContext(v -> {
            stopProbesNow();
            AtomicReference<ProbeRunner> self = new AtomicReference<>();
            ProbeRunner runner = new ProbeRunner(vertx, settings.clock(), trust,
                    (probe, verdict) -> link.sendEvent(FleetEvent.PROBE_CHANGED, probeFields(self.get(), probe.name(), verdict)));
            self.set(runner);
            probeRunner = runner;
            runner.run(probes, settings.clock().instant());
        });
    }

    private static Map<String, Object> probeFields(ProbeRunner runner, String probe, ProbeVerdicts.State state) {
        return Map.of("probe", probe, "state", state.wire(), "run", runner.runId());
    }

    /** Tells a controller that just (re)connected every probe's state: it keeps none across its restarts. */
    private void reportProbes() {
        ProbeRunner runner = probeRunner;
        if (runner != null) {
            runner.states().forEach((probe, state) -> link.sendEvent(FleetEvent.PROBE_CHANGED, probeFields(runner, probe, state)));
        }
    }

    private void stopProbes() {
        vertx.runOnContext(v -> stopProbesNow());
    }

    private void stopProbesNow() {
        if (probeRunner != null) {
            probeRunner.close();
            probeRunner = null;
        }
    }

    /** The node's trust store once the trust recipe wrote it (its password is a host secret); else the JVM's. */
    private TrustOptions nodeTrust() {
        Path store = local == null ? null : local.home().resolve("repository/resources/security/client-truststore.jks");
        Optional<String> password = state.hostSecrets().lookupExisting("truststore-password");
        if (store == null || !Files.isRegularFile(store) || password.isEmpty()) {
            return null;
        }
        return new JksOptions().setPath(store.toString()).setPassword(password.get());
    }

    /** The node's health from its probes: healthy, unhealthy, starting, or unknown. */
    public String health() {
        ProbeRunner runner = probeRunner;
        return runner == null ? "unknown" : runner.health();
    }

    private Future<Facts> gatherFacts() {
        return vertx.executeBlocking(facts::collect, false);
    }

    /**
     * Serves this agent's metrics on {@code host:port} (port 0: any free one) until it stops.
     *
     * @return the port it listens on
     */
    public Future<Integer> serveMetrics(String host, int port) {
        AgentMetrics served = new AgentMetrics(new AgentMetrics.Source() {
            @Override
            public boolean connected() {
                return link.isUp();
            }

            @Override
            public long heartbeatsSent() {
                return link.heartbeatsSent();
            }

            @Override
            public java.time.Duration reconnectSpread() {
                return link.reconnectSpread();
            }

            @Override
            public String productState() {
                return product.state().label();
            }

            @Override
            public long bundleRevision() {
                return local == null ? 0 : lastRevision();
            }

            @Override
            public Map<String, String> probes() {
                ProbeRunner runner = probeRunner;
                Map<String, String> states = new LinkedHashMap<>();
                if (runner != null) {
                    runner.states().forEach((name, state) -> states.put(name, state.wire()));
                }
                return states;
            }
        });
        return served.serve(vertx, host, port, this::blocking).map(server -> {
            metrics = served;
            settings.log().accept("metrics: http://" + host + ":" + server.actualPort() + "/metrics");
            return server.actualPort();
        });
    }

    private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    private long lastRevision() {
        try {
            List<AppliedRevision> history = applier(local).history();
            return history.isEmpty() ? 0 : history.get(history.size() - 1).revision();
        } catch (RuntimeException unreadable) {
            return 0;
        }
    }

    private Future<AgentReply> handle(AgentRequest request) {
        long started = System.nanoTime();
        return answer(request).onComplete(ar -> {
            AgentMetrics counting = metrics;
            if (counting != null) {
                counting.request(request.kind().name(), ar.failed() ? "failed" : ar.result().ok() ? "ok" : "refused",
                        Duration.ofNanos(System.nanoTime() - started));
            }
        });
    }

    private Future<AgentReply> answer(AgentRequest request) {
        if (request.kind() == AgentRequest.Kind.FACTS) {
            return gatherFacts().map(f -> new AgentReply(true, null, f, null, null));
        }
        return bundles.submit(request)   // bundle and product requests: one at a time, on a worker
                .onSuccess(reply -> {
                    boolean newProbes = request.kind() == AgentRequest.Kind.APPLY && reply.ok() && reply.result() != null
                            && reply.result().probesChanged();
                    if (newProbes && product.state() == ProductSupervisor.State.RUNNING) {
                        // the running product is probed with the bundle's new probes from now on (reading them blocks)
                        vertx.executeBlocking(() -> {
                            startProbes();
                            return null;
                        }, false);
                    }
                });
    }

    private void checkRenewal() {
        Identity current = identity;
        if (renewing || !renewal.due(current)) {
            return;
        }
        renewing = true;
        settings.log().accept("identity: certificate due for renewal (valid until " + current.notAfter() + "); asking the controller");
        vertx.executeBlocking(() -> renewal.renew(current), false).onComplete(ar -> {
            renewing = false;
            String later = "; trying again in " + human(settings.renewalCheck());
            if (ar.failed()) {
                settings.log().accept("identity: renewal failed: " + ar.cause().getMessage() + later);
            } else if (ar.result().outcome() == Renewal.Outcome.TOO_EARLY) {
                settings.log().accept("identity: the controller says it is too early to renew: " + ar.result().detail() + later);
            } else {
                identity = ar.result().identity();
                tls = clientTls(identity);
                settings.log().accept("identity: certificate renewed, " + ar.result().detail()
                        + "; used from the next connection on");
            }
        });
    }

    /** Mutual TLS for the bridge: this identity, only the fleet CA trusted, the host name checked. */
    static ClientSSLOptions clientTls(Identity identity) {
        return new ClientSSLOptions()
                .setKeyCertOptions(KeyCertOptions.wrap(identity.keyManagers()))
                .setTrustOptions(TrustOptions.wrap(identity.trustManagers()))
                .setHostnameVerificationAlgorithm("HTTPS");
    }

    private static String human(Duration d) {
        return d.toHours() >= 1 ? d.toHours() + " h" : d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toMillis() + " ms";
    }
}
