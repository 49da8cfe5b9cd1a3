package io.apimfleet.controller.rollout;

import io.apimfleet.controller.cluster.ClusterFixture;
import io.apimfleet.controller.cluster.ControllerCluster;
import io.apimfleet.controller.cluster.Leadership;
import io.apimfleet.controller.cluster.MemoryFloor;
import io.apimfleet.controller.cluster.SharedRollouts;
import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.metrics.FleetMetrics;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.controller.secret.SecretStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A clustered controller's rollouts, wired as {@code ControllerDaemon} wires them: its own state,
 * state worker and journal, rollouts that share with the cluster ({@link Rollouts#share}) and,
 * at each election, take over what the previous leader left running ({@link Rollouts#takeOver}).
 * No agent is connected: a rollout taken over fails at its render, which is as far as a test
 * without agents gets.
 */
final class SharingController {
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String SPEC = """
            apiVersion: apim-fleet/v1
            cluster: shared
            admin: { password: "${secret:admin}" }
            nodes:
              - { name: km1, role: key-manager, host: km1.example }
            """;

    final ControllerCluster cluster;
    final ControllerState state;
    final Journal journal;
    final Rollouts rollouts;
    final SharedRollouts shared;
    final Leadership leadership;
    /** What each takeOver (one per election) completed with. */
    final Queue<Future<Optional<Rollouts.Started>>> takeovers = new ConcurrentLinkedQueue<>();
    private final FleetMetrics metrics = new FleetMetrics();

    SharingController(ControllerCluster cluster, Path dir) throws java.io.IOException {
        this.cluster = cluster;
        this.state = TestStates.fresh(Files.createDirectories(dir.resolve(cluster.options().bind())));
        Vertx vertx = cluster.vertx();
        StateWorker worker = new StateWorker(vertx, "state-" + cluster.options().bind());
        this.journal = new Journal(state, worker);
        LiveAgents live = new LiveAgents(journal, Duration.ofSeconds(15));
        Leadership[] elected = new Leadership[1];
        AgentRequests requests = new AgentRequests(vertx.eventBus(), live, metrics, Duration.ofSeconds(5),
                () -> elected[0] == null ? 0 : elected[0].epoch());
        this.rollouts = new Rollouts(vertx, state, worker, journal, live, requests, new SecretStore(state));
        ClusterFixture.join(rollouts.recover(true), DEADLINE);
        this.shared = ClusterFixture.join(vertx.executeBlocking(() -> SharedRollouts.of(cluster)), DEADLINE);
        ClusterFixture.join(rollouts.share(shared, () -> elected[0] == null ? 0 : elected[0].epoch()), DEADLINE);
        this.leadership = Leadership.compete(cluster, new MemoryFloor(0));
        elected[0] = leadership;
        leadership.onChange(change -> {
            if (change.leader()) {
                takeovers.add(rollouts.takeOver(change.epoch()));
            }
        });
    }

    String name() {
        return cluster.options().bind();
    }

    /** Writes the spec of rollout {@code id} as {@code fleet apply} does (shared while this controller leads). */
    Future<Void> saveSpec(long id, String yaml) {
        return worker().call(() -> {
            rollouts.store().saveSpec(id, yaml);
            return null;
        });
    }

    /** Writes a record as a rollout's step does (shared while this controller leads). */
    Future<Void> save(RolloutRecord record) {
        return worker().call(() -> {
            rollouts.store().save(record);
            return null;
        });
    }

    private StateWorker worker() {
        return rollouts.worker();
    }

    List<RolloutRecord> records() {
        return new RolloutStore(state).all();
    }

    Optional<RolloutRecord> record(long id) {
        return records().stream().filter(r -> r.id() == id).findFirst();
    }

    Optional<String> spec(long id) {
        return new RolloutStore(state).spec(id);
    }

    /** The bytes of {@code rollouts/ID.json} here, or null. */
    String recordFile(long id) throws Exception {
        Path file = state.dir().resolve("rollouts").resolve(String.format("%06d.json", id));
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }

    List<Map<String, Object>> journal(String type) {
        return state.journal().stream().filter(e -> type.equals(e.get("type"))).toList();
    }

    static RolloutRecord running(long id, String state, Map<String, String> steps) {
        return new RolloutRecord(id, "shared", "cluster.yaml", "sha256:00", state, Instant.parse("2026-01-01T00:00:00Z"), null, null,
                List.of(new Phase("key-manager", List.of("km1"))), steps, List.of(), List.of(), null);
    }

    void close() {
        metrics.close();
    }
}
