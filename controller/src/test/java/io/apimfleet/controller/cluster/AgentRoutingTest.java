package io.apimfleet.controller.cluster;

import static io.apimfleet.controller.cluster.ClusterFixture.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.daemon.ControllerDaemon;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.FreePorts;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.AgentView;
import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request to {@code fleet.agent.<node>.cmd} reaches the agent through whichever controller
 * holds its connection. Three clustered controller daemons in this JVM on 127.0.0.80, .81 and .82
 * (controllers 2 and 3 on copies of controller 1's state, as until {@code fleet controller join}),
 * started once for the class; a test agent per test, under its own node name, linked to one of
 * them over its bridge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentRoutingTest {
    private static final String[] IPS = {"127.0.0.80", "127.0.0.81", "127.0.0.82"};
    /** A fourth member for the tests that act as a peer on the event bus between controllers. */
    private static final String PEER_IP = "127.0.0.83";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Short, so that a request lost on the way fails well within {@link #DEADLINE}. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private final List<ControllerState> states = new ArrayList<>();
    private final List<ControllerDaemon> daemons = new ArrayList<>();
    private final List<URI> apis = new ArrayList<>();
    private final Map<String, AgentIdentity> identities = new HashMap<>();
    private final List<ControllerCluster> peers = new ArrayList<>();
    private List<String> hazelcastPeers;
    private final Vertx vertx = Vertx.vertx();

    @BeforeAll
    void startThreeControllers() throws Exception {
        ClusterFixture.quietHazelcast();
        Files.createDirectories(dir.resolve("controller-1"));
        ControllerState first = TestStates.fresh(dir.resolve("controller-1"));
        for (String node : List.of("km1", "km2", "km3", "km4", "km5", "km6")) {
            identities.put(node, AgentIdentity.enroll(first, node));
        }
        states.add(first);
        for (int i = 1; i < IPS.length; i++) {
            states.add(TestStates.copyOf(first, dir.resolve("controller-" + (i + 1))));
        }
        int[] hazelcastPorts = new int[IPS.length];
        hazelcastPeers = new ArrayList<>();
        for (int i = 0; i < IPS.length; i++) {
            hazelcastPorts[i] = FreePorts.on(IPS[i]);
            hazelcastPeers.add(IPS[i] + ":" + hazelcastPorts[i]);
        }
        long start = System.nanoTime();
        List<CompletableFuture<ControllerDaemon>> starting = new ArrayList<>();
        for (int i = 0; i < IPS.length; i++) {
            String ip = IPS[i];
            int apiPort = FreePorts.on(ip);
            URI api = URI.create("https://" + ip + ":" + apiPort);
            apis.add(api);
            PeerIdentity peer = PeerIdentity.issue(states.get(i), ip, Instant.now());
            ClusterOptions clustering = new ClusterOptions("apim-fleet-" + first.fleetId(), ip, hazelcastPorts[i], 0, hazelcastPeers,
                    peer.keyCert(), peer.trust(), api.toString());
            ControllerDaemon.Options options = ControllerDaemon.Options.defaults().withBind(List.of(ip))
                    .withPorts(apiPort, FreePorts.on(ip)).withRequestTimeout(REQUEST_TIMEOUT).withCluster(clustering);
            ControllerState state = states.get(i);
            starting.add(CompletableFuture.supplyAsync(() -> ControllerDaemon.start(state, options)));
        }
        for (CompletableFuture<ControllerDaemon> daemon : starting) {
            daemons.add(daemon.get(ClusterFixture.START_DEADLINE.toSeconds(), TimeUnit.SECONDS));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> daemons.stream().filter(ControllerDaemon::leads).count() == 1);
        System.out.printf("[route] three controllers up, %s leads, after %d ms%n", IPS[daemons.indexOf(leader())], millisSince(start));
    }

    @AfterAll
    void closeAll() {
        vertx.close();
        ClusterFixture.closeAll(peers);
        List<CompletableFuture<Void>> closing = daemons.stream()
                .map(d -> CompletableFuture.runAsync(() -> d.close(Duration.ofSeconds(HazelcastSettings.GRACEFUL_SHUTDOWN_S + 15)))).toList();
        closing.forEach(CompletableFuture::join);
    }

    @Test
    void theLeaderReachesAnAgentLinkedToAFollower() throws Exception {
        ControllerDaemon follower = follower();
        try (TestAgent km1 = link("km1", follower)) {
            assertThat(agentAsTheLeaderSeesIt("km1").controller()).isEqualTo(api(follower).toString());
            long start = System.nanoTime();
            CompletableFuture<AgentReply> plan = planThroughTheLeader("km1");

            BridgeFrame request = km1.next(f -> BridgeFrame.MESSAGE.equals(f.type()));
            assertThat(request).as("the request reached the agent on the follower").isNotNull();
            assertThat(request.headers()).containsEntry(Addresses.KIND, "PLAN")
                    .containsEntry(Addresses.EPOCH, Long.toString(admin(leader()).controllers().epoch()));
            answer(km1, request, "km1");

            assertThat(plan.get(TestAgent.DEADLINE.toSeconds(), TimeUnit.SECONDS).ok()).isTrue();
            System.out.printf("[route] plan through the leader %s to km1 on %s: %d ms%n", api(leader()), api(follower), millisSince(start));
        }
    }

    @Test
    void aRequestForAnAgentLinkedNowhereFailsAsNotConnected() throws Exception {
        ControllerDaemon follower = follower();
        TestAgent km2 = link("km2", follower);
        km2.close();
        long start = System.nanoTime();
        // well within the heartbeat timeout (15 s): the leader still counts km2 connected, but no controller holds it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> admin(leader()).nodeRequest("km2", "plan", new Bundle("km2", 1, List.of()), false))
                        .isInstanceOfSatisfying(ControllerApiException.class, e -> {
                            assertThat(e.status()).isEqualTo(409);
                            assertThat(e.reason()).isEqualTo("not-connected");
                            assertThat(e.getMessage()).contains("km2").contains("not connected");
                        }));
        System.out.printf("[route] km2's link closed: not-connected from the leader after %d ms%n", millisSince(start));
    }

    @Test
    void aFollowerRelaysNothingWithoutAnEpoch() throws Exception {
        ControllerDaemon follower = follower();
        try (TestAgent km3 = link("km3", follower)) {
            ControllerCluster peer = peer();
            DeliveryOptions noEpoch = new DeliveryOptions().setSendTimeout(5_000).addHeader(Addresses.KIND, "RESTART");
            JsonObject restart = new JsonObject(Json.mapper().writeValueAsString(AgentRequest.of(AgentRequest.Kind.RESTART)));

            Future<?> relayed = ClusterFixture.settle(peer.vertx().eventBus().request("apim-fleet.relay.km3", restart, noEpoch), DEADLINE);

            assertThat(relayed.cause()).isInstanceOfSatisfying(ReplyException.class, e -> {
                assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
                assertThat(e.getMessage()).contains("leadership epoch").contains("nothing was sent to agent km3");
            });
            // the next frame km3 gets is the leader's plan: the restart never reached it
            CompletableFuture<AgentReply> plan = planThroughTheLeader("km3");
            BridgeFrame request = km3.next(f -> BridgeFrame.MESSAGE.equals(f.type()));
            assertThat(request.headers()).containsEntry(Addresses.KIND, "PLAN");
            answer(km3, request, "km3");
            assertThat(plan.get(TestAgent.DEADLINE.toSeconds(), TimeUnit.SECONDS).ok()).isTrue();
        }
    }

    @Test
    void anAgentThatMovesFromAFollowerToTheLeaderStaysReachable() throws Exception {
        TestAgent first = link("km4", follower());
        reachedThroughTheLeader("km4", first);
        first.close();
        long start = System.nanoTime();
        try (TestAgent moved = link("km4", leader())) {
            await().atMost(DEADLINE).until(() -> agentAsTheLeaderSeesIt("km4").controller() == null);
            reachedThroughTheLeader("km4", moved);
            System.out.printf("[route] km4 moved from a follower to the leader: reached again after %d ms%n", millisSince(start));
        }
    }

    @Test
    void anAgentThatMovesFromTheLeaderToAFollowerStaysReachable() throws Exception {
        TestAgent first = link("km5", leader());
        reachedThroughTheLeader("km5", first);
        first.close();
        ControllerDaemon follower = follower();
        long start = System.nanoTime();
        try (TestAgent moved = link("km5", follower)) {
            // at once, before the leader's own record of km5 could time out: its link to the leader closed
            reachedThroughTheLeader("km5", moved);
            System.out.printf("[route] km5 moved from the leader to a follower: reached again after %d ms%n", millisSince(start));
            assertThat(agentAsTheLeaderSeesIt("km5").controller()).isEqualTo(api(follower).toString());
        }
    }

    @Test
    void theLeaderSeesTheProbesOfAnAgentLinkedToAFollower() throws Exception {
        try (TestAgent km6 = link("km6", follower())) {
            km6.sendTo(Addresses.EVENTS, Map.of("type", FleetEvent.PROBE_CHANGED,
                    "fields", Map.of("probe", "console", "state", "passing", "run", 1)), null);
            await().atMost(DEADLINE).untilAsserted(() -> {
                AgentView km6Seen = agentAsTheLeaderSeesIt("km6");
                assertThat(km6Seen.probes()).containsEntry("console", "passing");
                assertThat(km6Seen.health()).isEqualTo("healthy");
            });
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Connects {@code node}'s agent to {@code controller}'s bridge; returns once the leader counts it connected. */
    private TestAgent link(String node, ControllerDaemon controller) throws Exception {
        ControllerState state = states.get(daemons.indexOf(controller));
        String ip = IPS[daemons.indexOf(controller)];
        TestAgent agent = TestAgent.connect(vertx, ip, controller.bridgePort(), identities.get(node),
                io.apimfleet.controller.pki.Pem.write(state.fleetCa().certificate()));
        agent.register(Addresses.commands(node));
        agent.heartbeat(node + ".example", null);
        await().atMost(DEADLINE).until(() -> agentAsTheLeaderSeesIt(node) != null && agentAsTheLeaderSeesIt(node).connected());
        return agent;
    }

    /** A plan request through the leader's API answered by {@code agent} (retried while a new link settles). */
    private void reachedThroughTheLeader(String node, TestAgent agent) {
        await().atMost(DEADLINE).ignoreExceptions().untilAsserted(() -> {
            CompletableFuture<AgentReply> plan = planThroughTheLeader(node);
            while (!plan.isDone()) {
                BridgeFrame frame = agent.next(Duration.ofMillis(100));
                if (frame != null && BridgeFrame.MESSAGE.equals(frame.type())) {
                    answer(agent, frame, node);
                    break;
                }
            }
            assertThat(plan.get(TestAgent.DEADLINE.toSeconds(), TimeUnit.SECONDS).ok()).isTrue();
        });
    }

    private CompletableFuture<AgentReply> planThroughTheLeader(String node) {
        ControllerClient client = admin(leader());
        return CompletableFuture.supplyAsync(() -> client.nodeRequest(node, "plan", new Bundle(node, 4, List.of()), false));
    }

    private static void answer(TestAgent agent, BridgeFrame request, String node) {
        agent.sendTo(request.replyAddress(), new AgentReply(true, null, null, new ApplyResult(node, 4, true, List.of(), List.of()), null), null);
    }

    private AgentView agentAsTheLeaderSeesIt(String node) {
        return admin(leader()).agents().stream().filter(v -> v.node().equals(node)).findFirst().orElse(null);
    }

    private ControllerDaemon leader() {
        return daemons.stream().filter(ControllerDaemon::leads).findFirst().orElseThrow(() -> new AssertionError("no leader"));
    }

    private ControllerDaemon follower() {
        return daemons.stream().filter(d -> !d.leads()).findFirst().orElseThrow(() -> new AssertionError("no follower"));
    }

    private URI api(ControllerDaemon daemon) {
        return apis.get(daemons.indexOf(daemon));
    }

    private ControllerClient admin(ControllerDaemon daemon) {
        return ControllerClient.admin(states.get(daemons.indexOf(daemon)).dir(), api(daemon));
    }

    /** A fourth member of the cluster with a controller-peer certificate: what only a controller can be. */
    private ControllerCluster peer() {
        if (peers.isEmpty()) {
            PeerIdentity identity = PeerIdentity.issue(states.get(0), PEER_IP, Instant.now());
            ClusterOptions options = new ClusterOptions("apim-fleet-" + states.get(0).fleetId(), PEER_IP, FreePorts.on(PEER_IP), 0,
                    hazelcastPeers, identity.keyCert(), identity.trust());
            peers.add(ClusterFixture.join(ControllerCluster.start(options), ClusterFixture.START_DEADLINE));
        }
        ControllerCluster peer = peers.get(0);
        await().atMost(DEADLINE).until(() -> peer.memberCount() == IPS.length + 1);
        return peer;
    }
}
