package io.apimfleet.controller.daemon;

import io.apimfleet.controller.api.ApiRoutes;
import io.apimfleet.controller.api.ControllerRole;
import io.apimfleet.controller.cluster.ControllerMember;
import io.apimfleet.controller.cluster.ClusterOptions;
import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.ControllerCluster;
import io.apimfleet.controller.cluster.EpochFloor;
import io.apimfleet.controller.cluster.Leadership;
import io.apimfleet.controller.cluster.LeadershipChange;
import io.apimfleet.controller.cluster.PeerIdentity;
import io.apimfleet.controller.join.PeerSecretsListener;
import io.apimfleet.controller.cluster.SharedRollouts;
import io.apimfleet.controller.rollout.RolloutRecord;
import io.apimfleet.controller.bridge.AgentBridge;
import io.apimfleet.controller.bridge.AgentRelay;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.rollout.Rollouts;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.controller.metrics.FleetMetrics;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.RevocationList;
import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The controller daemon ({@code fleet controller run}): the HTTPS API and the agents' event-bus
 * bridge on every bind address, over one Vert.x instance whose single verticle owns the live
 * state (connections, reply addresses); the state directory is touched only from the
 * {@link StateWorker}. Everything persistent (agents, tokens, journal) is in the state
 * directory, so a restart on the same state comes back with all of it; the table of connected
 * agents refills from their next heartbeats.
 */
public final class ControllerDaemon {
    /**
     * How the daemon runs.
     *
     * @param bind             the addresses both listeners bind (default 127.0.0.1)
     * @param apiPort          the HTTPS API (default 7443; 0 picks a free port)
     * @param bridgePort       the agents' bridge (default 7444; agents learn it at enrollment, so not 0)
     * @param heartbeatTimeout silence after which an agent is lost (default 15 s; agents beat every 5 s)
     * @param requestTimeout   how long a request to an agent may take (default 30 s)
     * @param journalPoll      how often the journal file is checked for entries written by other processes
     * @param cluster          with {@code --cluster}: how this controller joins the controller cluster (it then
     *                         acts only while it leads, under the epoch its election claims); null for a lone controller
     * @param peerListener     where this controller serves the cluster secrets to joining controllers (mutual
     *                         TLS, controller-peer certificates only; with {@code --cluster}: {@code --cluster-bind}, the
     *                         port after the event bus's); null for none (then it admits no controller)
     */
    public record Options(List<String> bind, int apiPort, int bridgePort, Duration heartbeatTimeout, Duration requestTimeout,
                          Duration journalPoll, ClusterOptions cluster, PeerListener peerListener) {
        public static final int DEFAULT_API_PORT = 7443;
        public static final int DEFAULT_BRIDGE_PORT = 7444;

        public Options {
            bind = List.copyOf(bind == null || bind.isEmpty() ? List.of("127.0.0.1") : bind);
            Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(journalPoll, "journalPoll");
            if (apiPort < 0 || apiPort > 65535) {
                throw new IllegalArgumentException("--api-port must be 0..65535, not " + apiPort);
            }
            if (bridgePort < 1 || bridgePort > 65535) {
                throw new IllegalArgumentException("--bridge-port must be 1..65535 (agents are told it at enrollment), not " + bridgePort);
            }
        }

        public Options(List<String> bind, int apiPort, int bridgePort, Duration heartbeatTimeout, Duration requestTimeout,
                       Duration journalPoll, ClusterOptions cluster) {
            this(bind, apiPort, bridgePort, heartbeatTimeout, requestTimeout, journalPoll, cluster, null);
        }

        public static Options defaults() {
            return new Options(List.of("127.0.0.1"), DEFAULT_API_PORT, DEFAULT_BRIDGE_PORT, Duration.ofSeconds(15),
                    Duration.ofSeconds(30), Duration.ofMillis(250), null, null);
        }

        public Options withPeerListener(PeerListener listener) {
            return new Options(bind, apiPort, bridgePort, heartbeatTimeout, requestTimeout, journalPoll, cluster, listener);
        }

        public Options withBind(List<String> addresses) {
            return new Options(addresses, apiPort, bridgePort, heartbeatTimeout, requestTimeout, journalPoll, cluster, peerListener);
        }

        public Options withPorts(int api, int bridge) {
            return new Options(bind, api, bridge, heartbeatTimeout, requestTimeout, journalPoll, cluster, peerListener);
        }

        public Options withHeartbeatTimeout(Duration timeout) {
            return new Options(bind, apiPort, bridgePort, timeout, requestTimeout, journalPoll, cluster, peerListener);
        }

        public Options withRequestTimeout(Duration timeout) {
            return new Options(bind, apiPort, bridgePort, heartbeatTimeout, timeout, journalPoll, cluster, peerListener);
        }

        public Options withCluster(ClusterOptions clustering) {
            return new Options(bind, apiPort, bridgePort, heartbeatTimeout, requestTimeout, journalPoll, clustering, peerListener);
        }
    }

    /**
     * The controller-peer listener joining controllers fetch the cluster secrets from.
     *
     * @param host an address of the controller network (with {@code --cluster}: {@code --cluster-bind})
     * @param port its port (0: any free one, for tests)
     * @param identity this controller's controller-peer certificate, key and trust (the controller-peer root alone)
     */
    public record PeerListener(String host, int port, PeerIdentity identity) {
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Micrometer warns once that Vert.x re-registers its connection and request gauges (benign:
     * vertx-micrometer 5.0.7 registers one per connection and Micrometer 1.17 keeps the first);
     * held here so the level sticks.
     */
    private static final java.util.logging.Logger DOUBLE_REGISTRATION = java.util.logging.Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

    static {
        DOUBLE_REGISTRATION.setLevel(java.util.logging.Level.SEVERE);
    }

    private final ControllerState state;
    private final Options options;
    private final Vertx vertx;
    private final FleetMetrics metrics;
    private final ServerIdentity identity;
    private final Controller controller;

    private ControllerDaemon(ControllerState state, Options options, Vertx vertx, FleetMetrics metrics, ServerIdentity identity) {
        this.state = state;
        this.options = options;
        this.vertx = vertx;
        this.metrics = metrics;
        this.identity = identity;
        this.controller = new Controller();
    }

    /**
     * Starts the daemon and waits until both listeners are up (call from a plain thread, never an
     * event loop).
     *
     * @throws IllegalStateException when a listener cannot bind (the message says which) or start takes too long
     */
    public static ControllerDaemon start(ControllerState state, Options options) {
        ServerIdentity identity = ServerIdentity.issue(state, options.bind(), Instant.now());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerMetricsOptions vertxMetrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                // a registry of its own per daemon; no event-bus address or remote address labels (reply addresses are unbounded)
                .setRegistryName("apim-fleet-" + UUID.randomUUID())
                .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME))
                // requests to agents are measured by fleet_agent_requests; per-address event-bus series would be unbounded
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4).setMetricsOptions(vertxMetrics))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        ControllerDaemon daemon = new ControllerDaemon(state, options, vertx, new FleetMetrics(registry), identity);
        try {
            vertx.deployVerticle(daemon.controller).toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return daemon;
        } catch (ExecutionException | TimeoutException e) {
            daemon.close(Duration.ofSeconds(10));
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("the controller could not start: " + describe(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            daemon.close(Duration.ofSeconds(10));
            throw new IllegalStateException("interrupted while starting the controller", e);
        }
    }

    /** Stops both listeners and Vert.x, waiting at most {@code wait}. */
    public void close(Duration wait) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // leave: the process is going anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            metrics.close();
        }
    }

    public Options options() {
        return options;
    }

    /** The API's port (the bound one when {@link Options#apiPort()} was 0). */
    public int apiPort() {
        return controller.apiPort;
    }

    public int bridgePort() {
        return options.bridgePort();
    }

    /**
     * {@code HOST:PORT} of the controller-peer listener joining controllers fetch the cluster
     * secrets from (the bound port when {@link PeerListener#port()} was 0); null when there is none.
     */
    public String secretsEndpoint() {
        return controller.secretsEndpoint();
    }

    /** Whether this controller acts: a lone one always, a clustered one while it leads. */
    public boolean leads() {
        if (options.cluster() == null) {
            return true;
        }
        Leadership current = controller.leadership;
        return current != null && current.isLeader();
    }

    /** {@code sha256:<hex>}: the pin agents join with. */
    public String caHash() {
        return "sha256:" + state.fleetCa().spkiSha256();
    }

    public ServerIdentity identity() {
        return identity;
    }

    /**
     * Where agents are told to connect (at join, in renewal answers and, clustered, in the link
     * advice): this controller's {@code ADVERTISED-HOST:BRIDGE-PORT} first, then, once it is in the
     * controller cluster, the bridges its current members published.
     */
    public List<String> bridgeEndpoints() {
        ControllerCluster joined = controller.cluster;
        return joined == null ? List.of(ownBridgeEndpoint()) : joined.bridgeEndpoints();
    }

    /**
     * This controller's bridge as agents reach it: {@code ADVERTISED-HOST:BRIDGE-PORT}. Clustered,
     * the advertised host only when this controller listens there (a wildcard bind, or that very
     * address), else its first bound address: controllers run on copies of controller 1's state
     * (as before {@code fleet controller join}) carry its advertised host. The server
     * certificate names every bound address, so either passes the agent's host name check.
     */
    private String ownBridgeEndpoint() {
        String host = ServerIdentity.hostOf(state.advertise());
        if (options.cluster() != null) {
            List<String> specific = options.bind().stream()
                    .filter(b -> !b.equals("0.0.0.0") && !b.equals("::") && !b.equals("[::]"))
                    .map(ServerIdentity::hostOf).toList();
            if (specific.size() == options.bind().size() && !specific.isEmpty() && !specific.contains(host)) {
                host = specific.get(0);
            }
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + options.bridgePort();
    }

    /**
     * The endpoints to name in the link advice: only once in the cluster. A lone controller names
     * none (agents keep what join gave them), and neither does a clustered one before it has
     * joined, which would otherwise shrink its agents' lists to itself while it starts.
     */
    private List<String> advisedEndpoints() {
        return controller.cluster == null ? null : bridgeEndpoints();
    }

    /** One line per listener, as {@code fleet controller run} prints them. */
    public List<String> listenerLines() {
        List<String> lines = new ArrayList<>();
        for (String bind : options.bind()) {
            lines.add("API     https://" + hostPort(bind, apiPort()) + "  (enrollment and the fleet CLI; admin client certificate for the CLI)");
        }
        for (String bind : options.bind()) {
            lines.add("bridge  " + hostPort(bind, bridgePort()) + "  (agents; mutual TLS, fleet CA certificates only; advertised as "
                    + String.join(", ", bridgeEndpoints()) + ")");
        }
        ClusterOptions cluster = options.cluster();
        if (cluster != null) {
            lines.add("cluster " + cluster.hazelcastAddress() + "  (Hazelcast: the controller network only, it has no TLS; peers "
                    + String.join(", ", cluster.peers()) + ")");
            lines.add("peers   " + hostPort(cluster.bind(), cluster.eventBusPort()) + "  (event bus between controllers; mutual TLS, controller-peer CA only)");
        }
        String secretsEndpoint = secretsEndpoint();
        if (secretsEndpoint != null) {
            lines.add("join    " + secretsEndpoint + "  (cluster secrets for joining controllers; mutual TLS, controller-peer CA only)");
        }
        return lines;
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String describe(Throwable cause) {
        if (cause instanceof java.net.BindException || (cause != null && cause.getMessage() != null && cause.getMessage().contains("Address already in use"))) {
            return "a port is already in use (" + cause.getMessage() + "); is another controller running?";
        }
        return cause == null ? "unknown error" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    /** The one verticle: everything live runs on its event loop. */
    private final class Controller extends VerticleBase {
        private StateWorker worker;
        private Journal journal;
        private LiveAgents live;
        private Rollouts rollouts;
        private AgentBridge bridge;
        private AgentRequests requests;
        /** With --cluster, once joined: how agents linked to other controllers are reached, and ours from them. */
        private AgentRelay relay;
        private final List<HttpServer> servers = new ArrayList<>();
        /** Where joining controllers fetch the cluster secrets; null when {@link Options#peerListener()} is. */
        private volatile PeerSecretsListener secretsListener;
        private volatile Set<String> revoked = Set.of();
        private volatile int apiPort;
        /** A lone controller's leadership epoch, taken at start (it always leads). */
        private volatile long epoch;
        /** With --cluster, once joined: the cluster, and the election that gives the epoch while this controller leads. */
        private volatile ControllerCluster cluster;
        private volatile Leadership leadership;
        /** With --cluster, once joined: the rollouts the leader shares (and each member's position in them). */
        private volatile SharedRollouts sharedRollouts;
        /** With --cluster, once joined: the rest of the state shared with the other controllers. */
        private volatile StateSharing stateSharing;
        private long revocationTimer = -1;

        @Override
        public Future<?> start() {
            worker = new StateWorker(vertx, "apim-fleet-state-" + UUID.randomUUID());
            journal = new Journal(state, worker);
            live = new LiveAgents(journal, options.heartbeatTimeout());
            metrics.gauges(live::connectedCount, journal::size);
            bridge = new AgentBridge(vertx, journal, live, metrics, options.requestTimeout(), () -> revoked, ControllerDaemon.this::advisedEndpoints);
            requests = new AgentRequests(vertx.eventBus(), live, metrics, options.requestTimeout(), this::actingEpoch);
            SecretStore secrets = new SecretStore(state);
            rollouts = new Rollouts(vertx, state, worker, journal, live, requests, secrets);
            Router router = new ApiRoutes(state, worker, journal, live, requests, metrics, ControllerDaemon.this::bridgeEndpoints, rollouts, secrets,
                    options.cluster() == null ? ControllerRole.alone(() -> epoch, "https://" + state.advertise()) : new Clustered(),
                    this::secretsEndpoint).router(vertx);
            RevocationList revocations = state.revocations();

            // clustered: the epoch comes with each election (above the state's, which the election raises), not at start
            return (options.cluster() == null ? worker.call(state::nextEpoch) : Future.succeededFuture(0L))
                    .onSuccess(taken -> epoch = taken)
                    .compose(v -> journal.start(vertx, options.journalPoll()))
                    .compose(v -> rollouts.recover(options.cluster() != null))
                    .compose(v -> refreshRevocations(revocations))
                    .compose(v -> {
                        live.start(vertx);
                        bridge.start();
                        revocationTimer = vertx.setPeriodic(2_000, id -> refreshRevocations(revocations));
                        // one after the other: with --api-port 0 the first listener picks the port the others use
                        Future<Void> listening = Future.succeededFuture();
                        for (String host : options.bind()) {
                            listening = listening.compose(x -> listenApi(router, host).mapEmpty());
                        }
                        for (String host : options.bind()) {
                            listening = listening.compose(x -> bridge.listen(host, options.bridgePort(), identity.keyCertOptions(), identity.trustOptions()));
                        }
                        PeerListener peer = options.peerListener();
                        if (peer != null) {
                            listening = listening.compose(x -> PeerSecretsListener.listen(vertx, peer.host(), peer.port(),
                                    peer.identity().keyCert(), peer.identity().trust(), state, worker, journal)
                                    .onSuccess(listener -> secretsListener = listener).mapEmpty());
                        }
                        return listening;
                    })
                    .compose(v -> options.cluster() == null ? Future.succeededFuture() : joinCluster(options.cluster()))
                    .compose(v -> journal.record("controller.started", java.util.Map.of(
                            "epoch", epoch,
                            "cluster", options.cluster() == null ? "none" : options.cluster().hazelcastAddress(),
                            "api", options.bind().stream().map(h -> hostPort(h, apiPort)).collect(Collectors.joining(", ")),
                            "bridge", options.bind().stream().map(h -> hostPort(h, options.bridgePort())).collect(Collectors.joining(", ")),
                            "certificateSerial", identity.certificate().getSerialNumber().toString(16))));
        }

        String secretsEndpoint() {
            PeerSecretsListener listener = secretsListener;
            return listener == null ? null : hostPort(options.peerListener().host(), listener.port());
        }

        /** A clean leave: the leader lock is released at once, so another controller leads without waiting for a timeout. */
        private Future<Void> leaveCluster() {
            Leadership elected = leadership;
            ControllerCluster joined = cluster;
            AgentRelay relaying = relay;
            StateSharing sharing = stateSharing;
            Future<Void> stopped = elected == null ? Future.succeededFuture() : Future.fromCompletionStage(elected.stop().toCompletionStage(), context);
            return stopped.recover(f -> Future.succeededFuture())
                    .compose(v -> sharing == null ? Future.succeededFuture() : sharing.close())
                    .recover(f -> Future.succeededFuture())
                    .compose(v -> relaying == null ? Future.succeededFuture() : relaying.close())
                    .recover(f -> Future.succeededFuture())
                    .compose(v -> joined == null ? Future.succeededFuture() : Future.fromCompletionStage(joined.close().toCompletionStage(), context))
                    .recover(f -> Future.succeededFuture());
        }

        /** The epoch stamped on requests to agents: 0 (nothing is sent) while a clustered controller does not lead. */
        private long actingEpoch() {
            if (options.cluster() == null) {
                return epoch;
            }
            Leadership current = leadership;
            return current == null ? 0 : current.epoch();
        }

        /** Joins the cluster (on its own clustered Vert.x), then competes for leadership; completes here. */
        private Future<Void> joinCluster(ClusterOptions clustering) {
            // the other members name this controller's bridge to their agents
            return Future.fromCompletionStage(ControllerCluster.start(clustering.withBridge(ownBridgeEndpoint())).toCompletionStage(), context)
                    .recover(failure -> Future.failedFuture(new IllegalStateException("cannot join the controller cluster at "
                            + clustering.hazelcastAddress() + ": " + describe(failure), failure)))
                    .compose(joined -> {
                        cluster = joined;
                        // agents linked to any controller of the cluster reachable from the leader, ours from the others
                        return AgentRelay.start(joined.vertx(), vertx, context, bridge, live,
                                        clustering.api() == null ? clustering.hazelcastAddress() : clustering.api(), joined.nodeId())
                                .map(relaying -> {
                                    relay = relaying;
                                    bridge.relayThrough(relaying);
                                    requests.relayThrough(relaying);
                                    return joined;
                                });
                    })
                    .compose(joined -> {
                        // getting a map's proxy may wait on the cluster: off the event loop
                        return vertx.executeBlocking(() -> SharedRollouts.of(joined));
                    })
                    // the rollouts the leader shares are written here from now on (those shared so far first)
                    .compose(shared -> {
                        sharedRollouts = shared;
                        return rollouts.share(shared, this::actingEpoch);
                    })
                    // agents, tokens' hashes, revocations, sealed secrets and the journal: offered, and the cluster's written here
                    .compose(v -> StateSharing.start(vertx, state, worker, journal, cluster, clustering.hazelcastAddress()))
                    .onSuccess(sharing -> stateSharing = sharing)
                    // taking the CP lock's proxy may wait on the cluster: off the event loop
                    .compose(v -> vertx.executeBlocking(() -> Leadership.compete(cluster, stateFloor())))
                    .map(elected -> {
                        leadership = elected.onChange(change -> context.runOnContext(v -> leadershipChanged(change)));
                        return null;
                    });
        }

        /**
         * The election's floor: the state's highest epoch, read and raised through the state
         * worker like every state change. The leadership thread waits for it (it is no event loop).
         */
        private EpochFloor stateFloor() {
            return new EpochFloor() {
                @Override
                public long highest() {
                    return awaitState(worker.call(state::highestEpoch));
                }

                @Override
                public void raise(long epoch) {
                    awaitState(worker.call(() -> state.raiseEpoch(epoch)));
                }
            };
        }

        private static <T> T awaitState(Future<T> future) {
            try {
                return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the leadership epoch in the state: " + describe(e.getCause()), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("the state worker did not answer in " + START_TIMEOUT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the leadership epoch", e);
            }
        }

        private void leadershipChanged(LeadershipChange change) {
            if (change.leader()) {
                // a rollout the previous leader left running is taken over (journaled as rollout.takeover)
                journal.record("controller.elected", java.util.Map.of("epoch", change.epoch(), "cluster", options.cluster().hazelcastAddress()))
                        .compose(v -> rollouts.takeOver(change.epoch()))
                        .onFailure(f -> java.util.logging.Logger.getLogger(ControllerDaemon.class.getName())
                                .warning("elected at epoch " + change.epoch() + ", the rollout left running was not taken over: " + f.getMessage()));
                return;
            }
            String why = "this controller lost the leadership (epoch " + change.epoch() + ": " + change.reason()
                    + "); the new leader takes this rollout over";
            Optional<RolloutRecord> stopped = rollouts.leadershipLost(why);
            java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
            fields.put("epoch", change.epoch());
            fields.put("reason", change.reason());
            stopped.ifPresent(r -> fields.put("rollout", r.id()));
            journal.record("controller.deposed", fields);
        }

        /** A clustered controller's role: it acts only while it leads; the view comes from the cluster. */
        private final class Clustered implements ControllerRole {
            @Override
            public Future<Optional<String>> refusal() {
                Leadership current = leadership;
                if (current != null && current.isLeader()) {
                    return Future.succeededFuture(Optional.empty());
                }
                return controllers().map(view -> Optional.of(view.leader()
                        .map(leader -> "this controller follows; the leader is " + (leader.api() == null ? leader.address() : leader.api()))
                        .orElse("this controller follows, and no controller leads yet (the cluster elects one once three controllers are up)")));
            }

            @Override
            public Future<ClusterView> controllers() {
                Leadership current = leadership;
                if (current == null) {   // not joined yet: itself alone, leading nothing
                    ClusterOptions own = options.cluster();
                    return Future.succeededFuture(new ClusterView(0, List.of(new ControllerMember("", own.hazelcastAddress(), own.api(), true, false, 0))));
                }
                SharedRollouts shared = sharedRollouts;
                return Future.fromCompletionStage(current.view().toCompletionStage(), context)
                        // how far each member is behind the leader's shared rollouts (a blocking read of the positions)
                        .compose(view -> shared == null ? Future.succeededFuture(view) : vertx.executeBlocking(() -> shared.withPositions(view))
                                .recover(f -> Future.succeededFuture(view)));
            }
        }

        private Future<HttpServer> listenApi(Router router, String host) {
            HttpServerOptions tls = new HttpServerOptions()
                    .setSsl(true)
                    .setClientAuth(ClientAuth.REQUEST)
                    .setKeyCertOptions(identity.keyCertOptions())
                    .setTrustOptions(identity.trustOptions())
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
                    .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                    // handshake work (signatures, the revocation list's file check) runs on a worker, not the event loop
                    .setSslEngineOptions(new JdkSSLEngineOptions().setUseWorkerThread(true))
                    .setReuseAddress(true);
            // one port for every bind address: the first listener may have picked it (api port 0)
            int port = apiPort != 0 ? apiPort : options.apiPort();
            return vertx.createHttpServer(tls).requestHandler(router).listen(port, host).onSuccess(server -> {
                servers.add(server);
                apiPort = server.actualPort();
            });
        }

        private Future<Void> refreshRevocations(RevocationList revocations) {
            return worker.call(revocations::keys)
                    .onSuccess(keys -> revoked = keys)
                    .mapEmpty();
        }

        @Override
        public Future<?> stop() {
            if (revocationTimer >= 0) {
                vertx.cancelTimer(revocationTimer);
            }
            live.stop();
            return leaveCluster()
                    .compose(v -> journal.record("controller.stopped", java.util.Map.of()))
                    .recover(failure -> Future.succeededFuture())
                    .compose(v -> {
                        journal.stop();
                        List<Future<?>> closing = new ArrayList<>();
                        closing.add(bridge.close());
                        servers.forEach(s -> closing.add(s.close()));
                        if (secretsListener != null) {
                            closing.add(secretsListener.close());
                        }
                        return Future.join(closing);
                    })
                    .eventually(() -> worker.close());
        }
    }
}
