package io.apimfleet.controller.registry;

import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.FleetEvent;
import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.protocol.link.Heartbeat;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How a node's health is folded from its agent's connection, product and probe events. */
class NodeHealthTest {
    private static LiveAgents.Live live(boolean connected, String product, Map<String, String> probes) {
        Facts facts = new Facts("h", "linux", "17", "/opt/apim", true, "2.2.0", 1, product, 1, "0.1");
        return new LiveAgents.Live("km1", connected, Instant.now(), facts, probes, null, null);
    }

    @Test
    void everyProbePassingIsHealthy() {
        assertThat(live(true, "running", Map.of("console", "passing", "thrift", "passing")).health()).isEqualTo("healthy");
    }

    @Test
    void oneProbeFailingIsUnhealthy() {
        assertThat(live(true, "running", Map.of("console", "passing", "thrift", "failing")).health()).isEqualTo("unhealthy");
    }

    @Test
    void aProbeStillStartingIsStarting() {
        assertThat(live(true, "running", Map.of("console", "starting", "thrift", "passing")).health()).isEqualTo("starting");
    }

    @Test
    void aProductNotRunningIsStopped() {
        assertThat(live(true, "exited", Map.of()).health()).isEqualTo("stopped");
    }

    @Test
    void aLostAgentsNodeIsUnknownWhateverItLastReported() {
        assertThat(live(false, "running", Map.of("console", "passing")).health()).isEqualTo("unknown");
    }

    @Test
    void eventsChangeTheNodesHealthAtOnceAndALateExitOfAReplacedRunIsIgnored(@TempDir Path dir) {
        Vertx vertx = Vertx.vertx();
        try {
            Journal journal = new Journal(TestStates.fresh(dir), new StateWorker(vertx, "health-test"));
            LiveAgents agents = new LiveAgents(journal, Duration.ofSeconds(5));
            agents.heartbeat("km1", new Heartbeat(Instant.now(), live(true, "running", Map.of()).facts()));
            agents.event("km1", FleetEvent.PRODUCT_STARTED, Map.of("pid", 200));
            agents.event("km1", FleetEvent.PROBE_CHANGED, Map.of("probe", "console", "state", "passing"));
            assertThat(agents.get("km1").orElseThrow().health()).isEqualTo("healthy");

            agents.event("km1", FleetEvent.PRODUCT_EXITED, Map.of("pid", 100, "code", 0, "requested", true));
            assertThat(agents.get("km1").orElseThrow().health()).as("pid 100 was the run before 200").isEqualTo("healthy");

            agents.event("km1", FleetEvent.PRODUCT_EXITED, Map.of("pid", 200, "code", 1, "lastLines", List.of("boom")));
            LiveAgents.Live now = agents.get("km1").orElseThrow();
            assertThat(now.health()).isEqualTo("stopped");
            assertThat(now.lastExit()).containsEntry("code", 1);
        } finally {
            vertx.close();
        }
    }
}
