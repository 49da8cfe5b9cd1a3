package io.apimfleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.link.AgentView;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A controller restarted on the same state and ports sees its agents again once they reconnect. */
class RestartTest {
    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx = Vertx.vertx();
    final AtomicReference<TestAgent> agent = new AtomicReference<>();

    @AfterEach
    void tearDown() {
        if (agent.get() != null) {
            agent.get().close();
        }
        vertx.close();
        controller.close();
    }

    /** What a real agent does after losing its controller: connect again, register, heartbeat. */
    private boolean reconnect(AgentIdentity identity) {
        try {
            TestAgent next = TestAgent.connect(vertx, controller.bridgePort(), identity, controller.caPem());
            next.heartbeat("km1.example", null);
            if (!next.roundTrip()) {
                next.close();
                return false;
            }
            agent.set(next);
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    @Test
    void aRestartedControllerSeesTheReconnectedAgentAndKeepsItsRegistryAndJournal() throws Exception {
        controller = RunningController.start(tmp);
        AgentIdentity km1 = controller.enroll("km1");
        await().atMost(Duration.ofSeconds(5)).until(() -> reconnect(km1));
        await().atMost(Duration.ofSeconds(5)).until(() -> controller.admin().agents().stream().anyMatch(AgentView::connected));
        long journalBefore = controller.state().journal().size();

        controller.restart();

        await().atMost(Duration.ofSeconds(5)).until(() -> agent.get().isClosed());
        await().atMost(Duration.ofSeconds(10)).until(() -> reconnect(km1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.admin().agents()).singleElement()
                .satisfies(view -> {
                    assertThat(view.node()).isEqualTo("km1");
                    assertThat(view.connected()).isTrue();
                    assertThat(view.certificateDaysLeft()).isNotNull();
                }));
        assertThat(controller.state().journal().size()).isGreaterThan((int) journalBefore);
        assertThat(controller.journal(FleetEvent.AGENT_CONNECTED)).hasSize(2);
        assertThat(controller.journal("controller.stopped")).hasSize(1);
        assertThat(controller.journal("controller.started")).hasSize(2);
    }
}
