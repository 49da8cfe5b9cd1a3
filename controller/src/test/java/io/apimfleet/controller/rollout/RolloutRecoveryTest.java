package io.apimfleet.controller.rollout;

import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A controller that stopped while a rollout ran ends that rollout when it starts again. */
class RolloutRecoveryTest {
    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void aRolloutLeftRunningIsMarkedAbortedWithTheReasonAndTheSpecIsRemembered() throws Exception {
        ControllerState state = TestStates.fresh(dir);
        RolloutStore store = new RolloutStore(state);
        store.saveSpec(1, """
                apiVersion: apim-fleet/v1
                cluster: left
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """);
        store.save(new RolloutRecord(1, "left", "cluster.yaml", "sha256:00", RolloutRecord.RUNNING, Instant.now(), null, null,
                List.of(new Phase("key-manager", List.of("km1"))), Map.of("km1", "waiting"), List.of(), List.of(), null));

        StateWorker worker = new StateWorker(vertx, "recovery-test");
        Rollouts rollouts = new Rollouts(vertx, state, worker, new Journal(state, worker), null, null, null);
        rollouts.recover().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        RolloutRecord recovered = rollouts.history().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
        assertThat(recovered.state()).isEqualTo(RolloutRecord.ABORTED);
        assertThat(recovered.reason()).contains("controller stopped");
        assertThat(recovered.finishedAt()).isNotNull();
        assertThat(rollouts.roleOf("km1")).contains("key-manager");
        assertThat(rollouts.current()).isEmpty();
        assertThat(state.journal()).anySatisfy(e -> {
            assertThat(e.get("type")).isEqualTo("rollout.finished");
            assertThat(e.get("fields").toString()).contains("state=aborted");
        });
    }

    @Test
    void theAbortReasonNamesTheNodesLeftInFlightWithTheirStep() throws Exception {
        ControllerState state = TestStates.fresh(dir);
        RolloutStore store = new RolloutStore(state);
        store.save(new RolloutRecord(1, "left", "cluster.yaml", "sha256:00", RolloutRecord.RUNNING, Instant.now(), null, null,
                List.of(new Phase("key-manager", List.of("km1", "km2")), new Phase("gateway", List.of("gw1"))),
                Map.of("km1", "healthy", "km2", "restarting"), List.of("km1", "km2"), List.of(), null));

        StateWorker worker = new StateWorker(vertx, "recovery-test");
        Rollouts rollouts = new Rollouts(vertx, state, worker, new Journal(state, worker), null, null, null);
        rollouts.recover().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        RolloutRecord recovered = rollouts.history().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
        assertThat(recovered.reason()).contains("in flight: km2 restarting").doesNotContain("km1").contains("fleet rollout undo");
    }

    @Test
    void aResumeRestartsTheNodesLeftInFlightBeforeTheirRestartWasSeenThrough() {
        RolloutRecord ended = new RolloutRecord(1, "c", "cluster.yaml", "sha256:00", RolloutRecord.ABORTED, Instant.now(), Instant.now(), null,
                List.of(new Phase("key-manager", List.of("km1", "km2", "km3", "km4", "km5"))),
                Map.of("km1", "healthy", "km2", "applying", "km3", "waiting", "km4", "restarting", "km5", "draining"), List.of(), List.of(), null);

        assertThat(ended.leftBeforeRestart()).containsExactly("km2", "km4", "km5");
    }

    @Test
    void anEndedRolloutMayHaveChangedTheNodeWhoseApplyWasInFlightButNotOneRolledBack() {
        RolloutRecord ended = new RolloutRecord(1, "c", "cluster.yaml", "sha256:00", RolloutRecord.ABORTED, Instant.now(), Instant.now(), null,
                List.of(new Phase("key-manager", List.of("km1", "km2", "km3"))),
                Map.of("km1", "rolled-back", "km2", "applying", "km3", "not-reached"), List.of("km1"), List.of("km1"), null);

        assertThat(ended.leftChanged()).containsExactly("km2");
    }
}
