package io.apimfleet.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.link.AgentView;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: Prometheus text with the controller's meters. */
class MetricsTest {
    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx = Vertx.vertx();

    @AfterEach
    void tearDown() {
        vertx.close();
        controller.close();
    }

    @Test
    void theNamedMetersAreServedWithLiveValues() throws Exception {
        controller = RunningController.start(tmp);
        try (TestAgent km1 = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll("km1"), controller.caPem())) {
            km1.heartbeat("km1.example", null);
            await().atMost(Duration.ofSeconds(5)).until(() -> controller.admin().agents().stream().anyMatch(AgentView::connected));

            String text = controller.admin().metrics();

            assertThat(text).contains("fleet_agents_connected 1.0",
                    "fleet_heartbeats_total 1.0",
                    "fleet_enrollments_total{outcome=\"issued\"}",
                    "fleet_enrollments_total{outcome=\"refused:used\"} 0.0",
                    "fleet_agent_requests_seconds_count{kind=\"plan\",outcome=\"ok\"} 0",
                    "fleet_agent_requests_seconds_count{kind=\"apply\",outcome=\"timeout\"} 0",
                    "fleet_bridge_refused_total{kind=\"register\"} 0.0",
                    "fleet_journal_events ");
            assertThat(text).contains("vertx_http_server_requests_total");
        }
    }
}
