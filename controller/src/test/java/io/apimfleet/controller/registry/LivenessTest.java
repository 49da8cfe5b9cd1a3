package io.apimfleet.controller.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.link.AgentView;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connected comes from heartbeats, lost from their absence; both are journaled. */
class LivenessTest {
    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx = Vertx.vertx();

    @AfterEach
    void tearDown() {
        vertx.close();
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void aHeartbeatShowsTheAgentConnectedWithItsFactsWithinFiveSeconds() throws Exception {
        controller = RunningController.start(tmp);
        try (TestAgent km1 = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll("km1"), controller.caPem())) {
            km1.heartbeat("km1.example", null);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.admin().agents()).singleElement().satisfies(view -> {
                assertThat(view.node()).isEqualTo("km1");
                assertThat(view.connected()).isTrue();
                assertThat(view.host()).isEqualTo("km1.example");
                assertThat(view.productState()).isEqualTo("running");
                assertThat(view.bundleRevision()).isEqualTo(3);
                assertThat(view.lastHeartbeat()).isNotNull();
            }));
            await().atMost(Duration.ofSeconds(5)).until(() -> !controller.journal(FleetEvent.AGENT_CONNECTED).isEmpty());
            assertThat(controller.journal(FleetEvent.AGENT_CONNECTED).get(0).get("fields"))
                    .isEqualTo(Map.of("node", "km1", "host", "km1.example", "agentVersion", "0.1.0-test"));
        }
    }

    @Test
    void followingWithHeartbeatsShowsEachHeartbeatLiveWithoutJournalingIt() throws Exception {
        controller = RunningController.start(tmp);
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread follower = new Thread(() -> {
            try {
                controller.admin().events(0, true, true, line -> {
                    lines.add(line);
                    if (line.contains("\"agent.heartbeat\"")) {
                        throw new IllegalStateException("seen");
                    }
                });
            } catch (RuntimeException seenOrClosed) {
                // done
            }
        });
        follower.setDaemon(true);
        follower.start();
        try (TestAgent km1 = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll("km1"), controller.caPem())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                km1.heartbeat("km1.example", null);
                return lines.stream().anyMatch(l -> l.contains("\"agent.heartbeat\""));
            });
            assertThat(lines).filteredOn(l -> l.contains("agent.heartbeat")).first().asString()
                    .contains("\"index\":0").contains("\"node\":\"km1\"").contains("\"productState\":\"running\"");
            assertThat(controller.journal(FleetEvent.AGENT_HEARTBEAT)).isEmpty();
        }
    }

    @Test
    void silenceLongerThanTheTimeoutMakesTheAgentLost() throws Exception {
        controller = RunningController.start(tmp, Duration.ofMillis(800), Duration.ofSeconds(30));
        try (TestAgent km1 = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll("km1"), controller.caPem())) {
            km1.heartbeat("km1.example", null);
            // connected is seen in the journal: with a timeout this short, a slow first HTTPS call could miss it
            await().atMost(Duration.ofSeconds(5)).until(() -> !controller.journal(FleetEvent.AGENT_CONNECTED).isEmpty());

            await().atMost(Duration.ofSeconds(5)).until(() -> !controller.journal(FleetEvent.AGENT_LOST).isEmpty());
            assertThat(controller.admin().agents()).noneMatch(AgentView::connected);
            assertThat(controller.journal(FleetEvent.AGENT_LOST).get(0).get("fields")).extracting("node").isEqualTo("km1");
        }
    }

    @Test
    void aHeartbeatAfterBeingLostConnectsAgain() throws Exception {
        controller = RunningController.start(tmp, Duration.ofMillis(800), Duration.ofSeconds(30));
        try (TestAgent km1 = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll("km1"), controller.caPem())) {
            km1.heartbeat("km1.example", null);
            await().atMost(Duration.ofSeconds(5)).until(() -> !controller.journal(FleetEvent.AGENT_LOST).isEmpty());

            km1.heartbeat("km1.example", null);

            await().atMost(Duration.ofSeconds(5)).until(() -> controller.journal(FleetEvent.AGENT_CONNECTED).size() == 2);
        }
    }
}
