package io.apimfleet.controller.cluster;

import static io.apimfleet.controller.cluster.ClusterFixture.join;
import static io.apimfleet.controller.cluster.ClusterFixture.settle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus between controllers when one of them joined the fleet: its controller-peer
 * certificate comes from its own intermediate (signed by the first controller's controller-peer
 * root) and is presented with it; the first controller's comes from the root. Two members, on
 * 127.0.0.127 and 127.0.0.128, each trusting the root alone.
 */
class JoinedPeerEventBusTest {
    private static final String FIRST = "127.0.0.127";
    private static final String JOINED = "127.0.0.128";

    @TempDir
    Path dir;

    private final List<ControllerCluster> members = new ArrayList<>();

    @AfterEach
    void closeAll() {
        ClusterFixture.closeAll(members);
    }

    @Test
    void aControllerWithAnIntermediateIssuedPeerCertificateExchangesMessagesWithTheFirstController() {
        ClusterFixture.quietHazelcast();
        ControllerState state = ControllerState.init(dir.resolve("first"), "first.test:7443");
        KeyPair intermediateKeys = Keys.ecP256();
        ControllerState.IntermediateCa intermediate = new ControllerState.IntermediateCa(List.of(
                state.peerCa().issueIntermediate(intermediateKeys.getPublic(), new X500Name("O=apim-fleet, CN=test peer intermediate"), Instant.now()),
                state.peerCa().root()), intermediateKeys.getPrivate());
        PeerIdentity first = PeerIdentity.issue(state, FIRST, Instant.now());
        PeerIdentity joined = PeerIdentity.issue(intermediate.authority("controller-peer"), state.fleetId(), JOINED, Instant.now());
        int firstPort = FreePorts.on(FIRST);
        int joinedPort = FreePorts.on(JOINED);
        List<String> peers = List.of(FIRST + ":" + firstPort, JOINED + ":" + joinedPort);
        Future<ControllerCluster> a = ControllerCluster.start(new ClusterOptions("apim-fleet-join-test", FIRST, firstPort,
                FreePorts.on(FIRST), peers, first.keyCert(), first.trust()));
        Future<ControllerCluster> b = ControllerCluster.start(new ClusterOptions("apim-fleet-join-test", JOINED, joinedPort,
                FreePorts.on(JOINED), peers, joined.keyCert(), joined.trust()));
        members.add(join(a, ClusterFixture.START_DEADLINE));
        members.add(join(b, ClusterFixture.START_DEADLINE));

        assertThat(roundTrip(members.get(0), members.get(1), "test.join.to-joined")).isEqualTo("pong from " + JOINED);
        assertThat(roundTrip(members.get(1), members.get(0), "test.join.to-first")).isEqualTo("pong from " + FIRST);
    }

    /** A request from {@code sender} to a consumer on {@code receiver}, retried until the registration is visible; the reply. */
    private static Object roundTrip(ControllerCluster sender, ControllerCluster receiver, String address) {
        String name = receiver.options().bind();
        MessageConsumer<String> consumer = receiver.vertx().eventBus().<String>consumer(address, m -> m.reply("pong from " + name));
        join(consumer.completion(), Duration.ofSeconds(10));
        try {
            AtomicReference<Message<Object>> reply = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Future<Message<Object>> answer = sender.vertx().eventBus().request(address, "ping", new DeliveryOptions().setSendTimeout(2000));
                settle(answer, Duration.ofSeconds(5));
                if (answer.succeeded()) {
                    reply.set(answer.result());
                }
                return answer.succeeded();
            });
            return reply.get().body();
        } finally {
            join(consumer.unregister(), Duration.ofSeconds(10));
        }
    }
}
