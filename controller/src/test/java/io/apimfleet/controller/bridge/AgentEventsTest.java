package io.apimfleet.controller.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.Heartbeat;
import io.apimfleet.protocol.link.LinkAdvice;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an agent sends besides requests' answers: events are journaled under its verified name (the
 * controller's own event types are not its to send), and a heartbeat that gives a reply address in
 * the agent's namespace is answered with the reconnection spread for the fleet's size.
 */
class AgentEventsTest {
    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx;
    TestAgent km1;

    @BeforeEach
    void setUp() throws Exception {
        controller = RunningController.start(tmp);
        vertx = Vertx.vertx();
        km1 = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll("km1"), controller.caPem());
    }

    @AfterEach
    void tearDown() {
        km1.close();
        vertx.close();
        controller.close();
    }

    @Test
    void aProbeChangeIsJournaledUnderTheVerifiedNodeWhateverTheBodySays() {
        km1.sendTo(Addresses.EVENTS, Map.of("type", FleetEvent.PROBE_CHANGED,
                "fields", Map.of("probe", "https-9443", "state", "passing", "node", "gw1")), null);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.journal(FleetEvent.PROBE_CHANGED))
                .singleElement().satisfies(e -> assertThat(e.get("fields"))
                        .isEqualTo(Map.of("probe", "https-9443", "state", "passing", "node", "km1"))));
    }

    @Test
    void anAgentCannotJournalTheControllersOwnEventTypes() throws Exception {
        km1.sendTo(Addresses.EVENTS, Map.of("type", FleetEvent.AGENT_CONNECTED, "fields", Map.of()), null);
        km1.sendTo(Addresses.EVENTS, Map.of("type", "bridge.refused", "fields", Map.of()), null);
        km1.sendTo(Addresses.EVENTS, Map.of("type", FleetEvent.PRODUCT_STARTED, "fields", Map.of("pid", 42)), null);

        await().atMost(Duration.ofSeconds(5)).until(() -> !controller.journal(FleetEvent.PRODUCT_STARTED).isEmpty());
        assertThat(controller.journal(FleetEvent.AGENT_CONNECTED)).isEmpty();
        assertThat(controller.journal("bridge.refused")).isEmpty();
    }

    @Test
    void aHeartbeatAskingForAdviceIsAnsweredOnItsReplyAddressWithTheSpreadForTheConnectedFleet() throws Exception {
        km1.send(BridgeFrame.send(Addresses.HEARTBEAT, Json.mapper().valueToTree(new Heartbeat(Instant.now(), TestAgent.facts("km1.example"))),
                Addresses.advice("km1"), null));

        BridgeFrame answer = km1.next(f -> BridgeFrame.MESSAGE.equals(f.type()) && Addresses.advice("km1").equals(f.address()));
        assertThat(answer).as("the advice frame").isNotNull();
        assertThat(Json.mapper().treeToValue(km1.bodyOf(answer), LinkAdvice.class)).isEqualTo(LinkAdvice.forFleetOf(1));
    }
}
