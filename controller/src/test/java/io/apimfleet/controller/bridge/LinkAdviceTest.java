package io.apimfleet.controller.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.Heartbeat;
import io.apimfleet.protocol.link.LinkAdvice;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A heartbeat that gives a reply address in the agent's namespace is answered with the reconnection spread for the fleet's size. */
class LinkAdviceTest {
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
    void aHeartbeatAskingForAdviceIsAnsweredOnItsReplyAddressWithTheSpreadForTheConnectedFleet() throws Exception {
        km1.send(BridgeFrame.send(Addresses.HEARTBEAT, Json.mapper().valueToTree(new Heartbeat(Instant.now(), TestAgent.facts("km1.example"))),
                Addresses.advice("km1"), null));

        BridgeFrame answer = km1.next(f -> BridgeFrame.MESSAGE.equals(f.type()) && Addresses.advice("km1").equals(f.address()));
        assertThat(answer).as("the advice frame").isNotNull();
        assertThat(Json.mapper().treeToValue(km1.bodyOf(answer), LinkAdvice.class)).isEqualTo(LinkAdvice.forFleetOf(1));
    }
}
