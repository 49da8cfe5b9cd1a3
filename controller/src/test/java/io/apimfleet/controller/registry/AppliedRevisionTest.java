package io.apimfleet.controller.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.Heartbeat;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revision an agent's home is at, as the controller shows it: from an apply's answer at once, not only from heartbeats. */
class AppliedRevisionTest {
    @TempDir
    Path tmp;

    private final Vertx vertx = Vertx.vertx();
    private StateWorker worker;
    private LiveAgents live;
    private final List<String> changes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        worker = new StateWorker(vertx, "applied-revision-test");
        live = new LiveAgents(new Journal(TestStates.fresh(tmp), worker), Duration.ofSeconds(15));
        live.onChange(changes::add);
    }

    @AfterEach
    void tearDown() {
        worker.close().await();
        vertx.close().await();
    }

    @Test
    void anAppliedRevisionShowsBeforeTheAgentsNextHeartbeat() {
        live.heartbeat("km1", heartbeatAt(2));
        changes.clear();

        live.applied("km1", 3);

        assertThat(live.get("km1").orElseThrow().facts().bundleRevision()).isEqualTo(3);
        assertThat(live.get("km1").orElseThrow().facts().hostname()).isEqualTo("km1.example");
        assertThat(changes).containsExactly("km1");
    }

    @Test
    void aHeartbeatStillHasTheLastWord() {
        live.heartbeat("km1", heartbeatAt(2));
        live.applied("km1", 3);

        live.heartbeat("km1", heartbeatAt(1));   // rolled back on the host meanwhile

        assertThat(live.get("km1").orElseThrow().facts().bundleRevision()).isEqualTo(1);
    }

    @Test
    void anAgentNeverHeardFromIsNotMadeUp() {
        live.applied("km1", 3);

        assertThat(live.get("km1")).isEmpty();
        assertThat(changes).isEmpty();
    }

    private static Heartbeat heartbeatAt(long revision) {
        return new Heartbeat(Instant.now(), new Facts("km1.example", "Linux", "17", "/opt/wso2am", true, "2.2.0", 1L << 30,
                "running", revision, "0.1.0-test"));
    }
}
