package io.apimfleet.controller.cluster;

import static io.apimfleet.controller.cluster.ClusterFixture.join;
import static io.apimfleet.controller.cluster.ClusterFixture.millisSince;
import static io.apimfleet.controller.cluster.ClusterFixture.settle;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimfleet.controller.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers in this JVM on 127.0.0.103, .104 and .105, started once for the class (none of
 * these tests stops a member): cluster forming, one leader, the TLS event bus between them, a
 * fourth member with an agent's certificate (the same state's fleet CA, not its controller-peer
 * CA), agent and admin certificates at the event-bus port, and the bound addresses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerClusterTest {
    private static final String[] IPS = {"127.0.0.103", "127.0.0.104", "127.0.0.105"};
    /** The rogue shares the third member's address, on ports of its own (only .103 to .105 are ours). */
    private static final String ROGUE_IP = IPS[2];

    @TempDir
    static Path dir;

    private PeerCertificates certs;
    private List<ControllerCluster> members;
    private List<Leadership> leaderships;
    private long startMillis;

    @BeforeAll
    void startThree() {
        ClusterFixture.quietHazelcast();
        certs = PeerCertificates.create(dir);
        long start = System.nanoTime();
        members = ClusterFixture.startAll(certs, IPS);
        startMillis = millisSince(start);
        System.out.printf("[cluster] three controllers started and joined in %d ms%n", startMillis);
        leaderships = members.stream().map(m -> Leadership.compete(m, new MemoryFloor(0))).toList();
    }

    @AfterAll
    void closeAll() {
        if (leaderships != null) {
            leaderships.forEach(l -> join(l.stop(), Duration.ofSeconds(30)));
        }
        if (members != null) {
            ClusterFixture.closeAll(members);
        }
    }

    @Test
    void threeControllersFormOneClusterWithExactlyOneLeader() {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> leaderships.stream().filter(Leadership::isLeader).count() == 1);
        System.out.printf("[cluster] one leader %d ms after competing (%d ms after start)%n", millisSince(start), startMillis + millisSince(start));
        members.forEach(m -> assertEquals(3, m.memberCount(), m.options().hazelcastAddress() + " sees every member"));
        Leadership leader = leaderships.stream().filter(Leadership::isLeader).findFirst().orElseThrow();
        long epoch = leader.epoch();
        assertTrue(epoch > 0, "epoch " + epoch);
        assertEquals(1, leaderships.stream().filter(Leadership::isLeader).count());
        assertEquals(epoch, join(leader.elected(), Duration.ofSeconds(5)));
        assertEquals(2, leaderships.stream().filter(l -> l.epoch() == 0).count(), "the others have no epoch");
    }

    @Test
    void eachMemberNamesItsOwnBridgeFirstThenTheOtherMembersBridges() {
        Set<String> all = Stream.of(IPS).map(ClusterFixture::bridgeOf).collect(Collectors.toSet());
        for (int i = 0; i < IPS.length; i++) {
            ControllerCluster member = members.get(i);
            String own = ClusterFixture.bridgeOf(IPS[i]);
            // the membership may still be reaching the first members when the last one has joined
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> named = member.bridgeEndpoints();
                assertEquals(own, named.get(0), "its own first");
                assertEquals(3, named.size(), "one each: " + named);
                assertEquals(all, Set.copyOf(named));
            });
        }
    }

    @Test
    void theViewFromAnyMemberNamesTheLeaderAndItsEpoch() {
        await().atMost(Duration.ofSeconds(60)).until(() -> leaderships.stream().filter(Leadership::isLeader).count() == 1);
        int leaderIndex = leaderships.indexOf(leaderships.stream().filter(Leadership::isLeader).findFirst().orElseThrow());
        long epoch = leaderships.get(leaderIndex).epoch();
        String leaderAddress = members.get(leaderIndex).options().hazelcastAddress();
        for (int i = 0; i < members.size(); i++) {
            Leadership asker = leaderships.get(i);
            // three members: a rogue member another test joined and closed stays listed until it is found dead
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                ClusterView seen = join(asker.view(), Duration.ofSeconds(10));
                return seen.epoch() == epoch && seen.members().size() == 3;
            });
            ClusterView view = join(asker.view(), Duration.ofSeconds(10));
            System.out.println("[cluster] view from " + members.get(i).options().hazelcastAddress() + ": " + view);
            assertEquals(3, view.members().size());
            assertEquals(List.of(), view.members().stream().map(ControllerMember::address)
                    .filter(a -> !List.of(IPS[0], IPS[1], IPS[2]).contains(a.substring(0, a.indexOf(':')))).toList());
            assertEquals(1, view.members().stream().filter(ControllerMember::leader).count());
            assertEquals(leaderAddress, view.leader().orElseThrow().address());
            assertEquals(epoch, view.leader().orElseThrow().epoch());
            assertEquals(members.get(i).options().hazelcastAddress(),
                    view.members().stream().filter(ControllerMember::local).findFirst().orElseThrow().address());
        }
    }

    @Test
    void aMessageOnTheClusteredEventBusReachesAConsumerOnAnotherController() {
        Vertx sender = members.get(0).vertx();
        Vertx receiver = members.get(2).vertx();
        Queue<String> received = new ConcurrentLinkedQueue<>();
        MessageConsumer<String> consumer = receiver.eventBus().<String>consumer("test.c.ping", m -> {
            received.add(m.body());
            m.reply("pong from " + IPS[2]);
        });
        join(consumer.completion(), Duration.ofSeconds(10));
        try {
            long start = System.nanoTime();
            // the registration travels through Hazelcast: retry until it is visible to the sender
            AtomicReference<Message<Object>> reply = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Future<Message<Object>> answer = sender.eventBus().request("test.c.ping", "ping from " + IPS[0],
                        new DeliveryOptions().setSendTimeout(2000));
                settle(answer, Duration.ofSeconds(5));
                if (answer.succeeded()) {
                    reply.set(answer.result());
                }
                return answer.succeeded();
            });
            System.out.printf("[cluster] request/reply %s -> %s over TLS in %d ms%n", IPS[0], IPS[2], millisSince(start));
            assertEquals("pong from " + IPS[2], reply.get().body());
            assertTrue(received.contains("ping from " + IPS[0]));
        } finally {
            join(consumer.unregister(), Duration.ofSeconds(10));
        }
    }

    @Test
    void aMemberWithAnAgentCertificateCannotSendOnTheEventBus() {
        Queue<String> received = new ConcurrentLinkedQueue<>();
        Vertx receiver = members.get(1).vertx();
        MessageConsumer<String> consumer = receiver.eventBus().<String>consumer("test.d.in", m -> {
            received.add(m.body());
            m.reply("ok");
        });
        join(consumer.completion(), Duration.ofSeconds(10));
        ControllerCluster rogue = startRogue();
        try {
            // the rogue is in the Hazelcast cluster (open source Hazelcast authenticates nobody) ...
            await().atMost(Duration.ofSeconds(30)).until(() -> members.get(1).memberCount() == 4);
            // ... and sees the consumer's registration (retry while it gets NO_HANDLERS), yet its messages never arrive
            long start = System.nanoTime();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Future<Message<Object>> answer = rogue.vertx().eventBus().request("test.d.in", "from the rogue",
                        new DeliveryOptions().setSendTimeout(3000));
                settle(answer, Duration.ofSeconds(10));
                assertFalse(answer.succeeded(), "the rogue got a reply");
                failure.set(answer.cause());
                return answer.cause() instanceof ReplyException r && r.failureType() != ReplyFailure.NO_HANDLERS;
            });
            System.out.printf("[cluster] the rogue's request failed after %d ms: %s%n", millisSince(start), failure.get());
            // a controller's message to the same consumer arrives: the consumer was reachable all along
            Future<Message<Object>> control = members.get(0).vertx().eventBus().request("test.d.in", "from a controller",
                    new DeliveryOptions().setSendTimeout(5000));
            assertEquals("ok", join(control, Duration.ofSeconds(10)).body());
            assertEquals(List.of("from a controller"), List.copyOf(received));
        } finally {
            join(consumer.unregister(), Duration.ofSeconds(10));
            ClusterFixture.closeAll(List.of(rogue));
        }
    }

    @Test
    void aMemberWithAnAgentCertificateReceivesNothingFromTheEventBus() {
        ControllerCluster rogue = startRogue();
        try {
            Queue<String> received = new ConcurrentLinkedQueue<>();
            MessageConsumer<String> consumer = rogue.vertx().eventBus().<String>consumer("test.d.out", m -> {
                received.add(m.body());
                m.reply("rogue got it");
            });
            join(consumer.completion(), Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).memberCount() == 4);
            Vertx sender = members.get(0).vertx();
            long start = System.nanoTime();
            // retry: a NO_HANDLERS failure only means the registration is not visible yet
            AtomicReference<Throwable> failure = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Future<Message<Object>> answer = sender.eventBus().request("test.d.out", "secret for controllers",
                        new DeliveryOptions().setSendTimeout(3000));
                settle(answer, Duration.ofSeconds(10));
                assertFalse(answer.succeeded(), "the rogue replied");
                failure.set(answer.cause());
                return answer.cause() instanceof ReplyException r && r.failureType() != ReplyFailure.NO_HANDLERS;
            });
            System.out.printf("[cluster] a controller's request to the rogue failed after %d ms: %s%n", millisSince(start), failure.get());
            assertTrue(received.isEmpty(), "the rogue received " + received);
        } finally {
            ClusterFixture.closeAll(List.of(rogue));
        }
    }

    @Test
    void anAgentCertificateFromTheFleetCaIsRefusedByTheEventBusPort() {
        assertRefusedAtTheEventBusPort("agent km1 (fleet CA)", certs.agent("km1", IPS[0]));
    }

    @Test
    void theAdminCertificateIsRefusedByTheEventBusPort() {
        assertRefusedAtTheEventBusPort("admin (fleet CA)", certs.admin());
    }

    /** A TLS client with {@code identity} gets no connection to a controller's event-bus port. */
    private void assertRefusedAtTheEventBusPort(String who, KeyCertOptions identity) {
        ControllerCluster target = members.get(1);
        Vertx vertx = members.get(0).vertx();
        NetClient client = vertx.createNetClient(new NetClientOptions().setSsl(true)
                .setKeyCertOptions(identity)
                .setTrustOptions(certs.peerTrust())
                .setHostnameVerificationAlgorithm("HTTPS") // the server's certificate names 127.0.0.104: only the client is at fault
                .setConnectTimeout(5000));
        try {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> closed = new AtomicReference<>(false);
            // handlers set in the connect callback, on the event loop, before any later read can close the socket
            Future<NetSocket> connecting = client.connect(target.options().eventBusPort(), target.options().bind())
                    .onSuccess(socket -> {
                        // TLS 1.3: the server's verdict on the client certificate arrives at the first read
                        socket.exceptionHandler(e -> failure.compareAndSet(null, e));
                        socket.closeHandler(v -> closed.set(true));
                        socket.handler(buffer -> failure.compareAndSet(null, new AssertionError("data from the event bus: " + buffer.length() + " bytes")));
                        socket.write("hello");
                    })
                    .onFailure(e -> {
                        failure.compareAndSet(null, e);
                        closed.set(true);
                    });
            await().atMost(Duration.ofSeconds(15)).until(closed::get);
            System.out.println("[cluster] connect " + (connecting.succeeded() ? "succeeded (TLS 1.3), then the socket closed" : "failed"));
            System.out.println("[cluster] " + who + " certificate at the event bus port: " + failure.get());
            assertNotNull(failure.get(), "the connection closed without an SSL failure");
            assertInstanceOf(SSLException.class, rootOrSsl(failure.get()), String.valueOf(failure.get()));
        } finally {
            join(client.close(), Duration.ofSeconds(10));
        }
    }

    @Test
    void hazelcastAndTheEventBusListenOnlyOnTheClusterBindAddress() {
        for (ControllerCluster member : members) {
            ClusterOptions options = member.options();
            assertEquals(new InetSocketAddress(options.bind(), options.hazelcastPort()), member.hazelcastAddress());
            for (int port : new int[] {options.hazelcastPort(), options.eventBusPort()}) {
                assertTrue(connects(options.bind(), port), options.bind() + ":" + port + " accepts");
                for (String other : new String[] {"127.0.0.1", "127.0.0.99"}) {
                    assertThrows(ConnectException.class, () -> connect(other, port),
                            other + ":" + port + " must be refused (bound to " + options.bind() + " alone)");
                }
            }
        }
        System.out.println("[cluster] Hazelcast and event bus ports refuse connections on 127.0.0.1 and 127.0.0.99");
    }

    private ControllerCluster startRogue() {
        List<String> peers = members.stream().map(m -> m.options().hazelcastAddress()).toList();
        ClusterOptions options = ClusterFixture.options(ROGUE_IP, FreePorts.on(ROGUE_IP), peers,
                certs.agent("km1", ROGUE_IP), certs);
        return join(ControllerCluster.start(options), ClusterFixture.START_DEADLINE);
    }

    private static Throwable rootOrSsl(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return t;
            }
        }
        return failure;
    }

    private static boolean connects(String host, int port) {
        try {
            connect(host, port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void connect(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
        }
    }
}
