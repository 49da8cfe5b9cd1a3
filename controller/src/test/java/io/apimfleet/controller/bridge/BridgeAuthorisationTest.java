package io.apimfleet.controller.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.AgentView;
import io.apimfleet.protocol.link.BridgeFrame;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge authorises every frame by the client certificate's CN: km1 cannot act as gw1, and
 * each refused attempt is answered with an error frame and journaled as bridge.refused.
 */
class BridgeAuthorisationTest {
    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx;
    AgentIdentity km1Identity;
    TestAgent km1;
    TestAgent gw1;

    @BeforeEach
    void setUp() throws Exception {
        controller = RunningController.start(tmp);
        vertx = Vertx.vertx();
        km1Identity = controller.enroll("km1");
        km1 = TestAgent.connect(vertx, controller.bridgePort(), km1Identity, controller.caPem());
        gw1 = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll("gw1"), controller.caPem());
    }

    @AfterEach
    void tearDown() {
        km1.close();
        gw1.close();
        vertx.close();
        controller.close();
    }

    private void assertRefusalJournaled(String kind, String address, String reason) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.journal(AgentBridge.REFUSED))
                .anySatisfy(e -> assertThat(e.get("fields")).isEqualTo(Map.of("node", "km1", "address", address, "kind", kind, "reason", reason))));
    }

    private static boolean isError(BridgeFrame frame) {
        return BridgeFrame.ERR.equals(frame.type());
    }

    @Test
    void km1CannotRegisterGw1sAddress() throws Exception {
        km1.register(Addresses.commands("gw1"));

        assertThat(km1.next(TestAgent.DEADLINE)).isNotNull().matches(BridgeAuthorisationTest::isError);
        assertRefusalJournaled("register", "fleet.agent.gw1.cmd", "not-own-address");
    }

    @Test
    void km1MayRegisterItsOwnAddress() throws Exception {
        km1.register(Addresses.commands("km1"));

        assertThat(km1.roundTrip()).isTrue();
        assertThat(controller.journal(AgentBridge.REFUSED)).isEmpty();
    }

    @Test
    void km1CannotSendToAnotherAgentsAddress() throws Exception {
        gw1.register(Addresses.commands("gw1"));
        assertThat(gw1.roundTrip()).isTrue();

        km1.sendTo(Addresses.commands("gw1"), Map.of("kind", "APPLY"), null);

        assertThat(km1.next(TestAgent.DEADLINE)).isNotNull().matches(BridgeAuthorisationTest::isError);
        assertRefusalJournaled("send", "fleet.agent.gw1.cmd", "agent-address");
        assertThat(gw1.roundTrip()).isTrue();   // and nothing but the pong reached gw1
    }

    @Test
    void km1CannotForgeTheVerifiedNodeHeader() throws Exception {
        km1.heartbeat("km1.example", Map.of(Addresses.VERIFIED_NODE, "gw1"));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.admin().agents())
                .filteredOn(AgentView::connected).extracting(AgentView::node).containsExactly("km1"));
        assertThat(controller.admin().agents()).filteredOn(v -> v.node().equals("gw1")).singleElement()
                .satisfies(v -> assertThat(v.connected()).isFalse());
    }

    @Test
    void km1CannotReplyToAReplyAddressGivenToGw1() throws Exception {
        gw1.register(Addresses.commands("gw1"));
        gw1.heartbeat("gw1.example", null);
        await().atMost(Duration.ofSeconds(5)).until(() -> controller.admin().agents().stream().anyMatch(v -> v.node().equals("gw1") && v.connected()));
        CompletableFuture<AgentReply> plan = CompletableFuture.supplyAsync(
                () -> controller.admin().nodeRequest("gw1", "plan", new Bundle("gw1", 1, List.of()), false));
        BridgeFrame request = gw1.next(f -> BridgeFrame.MESSAGE.equals(f.type()) && f.replyAddress() != null);
        assertThat(request).isNotNull();
        assertThat(request.address()).isEqualTo(Addresses.commands("gw1"));
        assertThat(Json.mapper().treeToValue(request.body(), AgentRequest.class).kind()).isEqualTo(AgentRequest.Kind.PLAN);

        km1.sendTo(request.replyAddress(), new AgentReply(false, "forged by km1", null, null, null), null);

        assertThat(km1.next(TestAgent.DEADLINE)).isNotNull().matches(BridgeAuthorisationTest::isError);
        assertRefusalJournaled("send", request.replyAddress(), "reply-not-given");
        gw1.sendTo(request.replyAddress(), new AgentReply(true, null, null,
                new ApplyResult("gw1", 1, true, List.of(), List.of()), null), null);
        AgentReply answered = plan.get(TestAgent.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(answered.ok()).isTrue();
        assertThat(answered.result().node()).isEqualTo("gw1");
    }

    @Test
    void km1CannotPublishOutsideTheControllerAddresses() throws Exception {
        km1.publishTo(Addresses.commands("gw1"), Map.of("x", 1));

        assertThat(km1.next(TestAgent.DEADLINE)).isNotNull().matches(BridgeAuthorisationTest::isError);
        assertRefusalJournaled("publish", "fleet.agent.gw1.cmd", "not-a-controller-address");
    }

    @Test
    void registeringOverANewConnectionClosesTheNodesEarlierOne() throws Exception {
        km1.register(Addresses.commands("km1"));
        assertThat(km1.roundTrip()).isTrue();

        try (TestAgent again = TestAgent.connect(vertx, controller.bridgePort(), km1Identity, controller.caPem())) {
            again.register(Addresses.commands("km1"));

            assertThat(again.roundTrip()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(km1::isClosed);
        }
    }
}
