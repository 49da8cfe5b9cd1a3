package io.apimfleet.controller.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * This controller as a member of the controller cluster: a clustered Vert.x on the Hazelcast
 * cluster manager ({@link HazelcastSettings} has the configuration and its figures), whose event
 * bus connections to and from the other controllers are mutual TLS with the controller-peer
 * identity and trust of {@link ClusterOptions} (client certificate required; a peer whose
 * certificate does not chain to the controller-peer CA gets no connection). Vert.x does not check
 * host names on cluster connections: the CA is the whole check, so the controller-peer CA must
 * sign controller certificates only.
 *
 * <p>Start with {@link #start(ClusterOptions)}; compete for leadership with
 * {@link Leadership#compete(ControllerCluster, EpochFloor)}; {@link #close()} leaves the cluster (a clean
 * Hazelcast shutdown, which also ends this member's CP session and so releases its leader lock).
 */
public final class ControllerCluster {
    /** The Hazelcast member attribute holding a member's agent bridge endpoint, {@code HOST:PORT}. */
    static final String BRIDGE_ATTRIBUTE = "apim-fleet.bridge";
    /** How long an event-bus TLS handshake may take before the connection is dropped. */
    static final int TLS_HANDSHAKE_TIMEOUT_S = 10;

    private final ClusterOptions options;
    private final Vertx vertx;
    private final HazelcastClusterManager manager;

    private ControllerCluster(ClusterOptions options, Vertx vertx, HazelcastClusterManager manager) {
        this.options = options;
        this.vertx = vertx;
        this.manager = manager;
    }

    /**
     * Starts the clustered Vert.x and joins the peers. Completes once this member is in the
     * Hazelcast cluster and its event bus listens (the first member of a cluster completes alone,
     * after the join wait; the CP subsystem and so {@link Leadership} become usable only once
     * {@value HazelcastSettings#CP_MEMBERS} members are up). Never blocks the caller.
     */
    public static Future<ControllerCluster> start(ClusterOptions options) {
        Objects.requireNonNull(options, "options");
        Config config = HazelcastSettings.config(options);
        HazelcastClusterManager manager = new HazelcastClusterManager(config);
        VertxOptions vertxOptions = new VertxOptions().setEventBusOptions(eventBusOptions(options));
        return Vertx.builder().with(vertxOptions).withClusterManager(manager).buildClustered()
                .map(vertx -> new ControllerCluster(options, vertx, manager));
    }

    static EventBusOptions eventBusOptions(ClusterOptions options) {
        EventBusOptions eventBus = new EventBusOptions()
                .setHost(options.bind())
                .setPort(options.eventBusPort())
                .setClusterPublicHost(options.bind())
                .setSsl(true)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(options.peerIdentity())
                .setTrustOptions(options.peerTrust())
                .setTrustAll(false)
                .setSslHandshakeTimeout(TLS_HANDSHAKE_TIMEOUT_S)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        if (options.eventBusPort() != 0) {
            eventBus.setClusterPublicPort(options.eventBusPort());
        }
        return eventBus;
    }

    public ClusterOptions options() {
        return options;
    }

    /** The clustered Vert.x: its event bus reaches consumers on every controller. */
    public Vertx vertx() {
        return vertx;
    }

    /** The Hazelcast member under the cluster manager (for replicated state and the CP subsystem). */
    public HazelcastInstance hazelcast() {
        return manager.getHazelcastInstance();
    }

    /** This member's Vert.x node id (random per start). */
    public String nodeId() {
        return manager.getNodeId();
    }

    /** This member's Hazelcast UUID (random per start). */
    public String memberId() {
        return localMember().getUuid().toString();
    }

    /** The address this member's Hazelcast listens on and advertises. */
    public InetSocketAddress hazelcastAddress() {
        return localMember().getSocketAddress();
    }

    /** The number of members in the cluster as this member sees it. */
    public int memberCount() {
        return hazelcast().getCluster().getMembers().size();
    }

    /**
     * The agent bridge endpoints the members published ({@link ClusterOptions#bridge()}): this
     * member's first, then the others' in Hazelcast's member order; members that published none
     * are left out. The current membership as this member sees it: a member that left is no longer
     * named. Reads the local member list, so it never waits on the network.
     */
    public List<String> bridgeEndpoints() {
        Set<String> endpoints = new LinkedHashSet<>();
        if (options.bridge() != null) {
            endpoints.add(options.bridge());
        }
        try {
            for (Member member : hazelcast().getCluster().getMembers()) {
                String published = member.getAttribute(BRIDGE_ATTRIBUTE);
                if (published != null && !member.localMember()) {
                    endpoints.add(published);
                }
            }
        } catch (RuntimeException e) {
            // the member is shutting down: this controller's own endpoint is all there is to name
        }
        return List.copyOf(endpoints);
    }

    Member localMember() {
        return hazelcast().getCluster().getLocalMember();
    }

    /** Leaves the cluster and closes the Vert.x (a clean Hazelcast shutdown). */
    public Future<Void> close() {
        return vertx.close();
    }
}
