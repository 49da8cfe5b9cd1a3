package io.apimfleet.controller.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.cluster.ClusterFixture;
import io.apimfleet.controller.cluster.ControllerCluster;
import io.apimfleet.controller.cluster.PeerCertificates;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers in this JVM on 127.0.0.110, .111 and .112, started afresh for each test (each
 * takes the leader away with a clean leave, which releases the leader lock at once). The leader
 * has written a rollout's spec and record as its steps do; what the next leader does with it is
 * under test. No agent is connected, so a rollout taken over fails at its render: that it was
 * resumed, and that the journal tells so, is what these tests can see (the e2e suite sees it
 * finish).
 */
class RolloutTakeoverTest {
    private static final String[] IPS = {"127.0.0.110", "127.0.0.111", "127.0.0.112"};
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private List<ControllerCluster> members;
    private final List<SharingController> controllers = new ArrayList<>();

    @BeforeEach
    void startThree() throws Exception {
        ClusterFixture.quietHazelcast();
        members = ClusterFixture.startAll(PeerCertificates.create(dir), IPS);
        for (ControllerCluster member : members) {
            controllers.add(new SharingController(member, dir));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> controllers.stream().filter(c -> c.leadership.isLeader()).count() == 1);
    }

    @AfterEach
    void closeAll() {
        controllers.forEach(SharingController::close);
        if (members != null) {
            ClusterFixture.closeAll(members);
        }
    }

    @Test
    void aNewLeaderTakesOverARolloutThatWasRunning() {
        SharingController old = leader();
        long oldEpoch = old.leadership.epoch();
        write(old, RolloutRecord.RUNNING, Map.of("km1", "restarting"));

        SharingController next = nextLeaderAfterTheOldLeaves(old);

        Optional<Rollouts.Started> taken = ClusterFixture.join(await().atMost(DEADLINE).until(() -> next.takeovers.peek(), f -> f != null), DEADLINE);
        assertThat(taken).hasValueSatisfying(started -> assertThat(started.rollout().source()).isEqualTo("cluster.yaml (resumes rollout 1)"));
        assertThat(next.journal(Rollouts.ROLLOUT_TAKEOVER)).singleElement().satisfies(entry -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) entry.get("fields");
            assertThat(((Number) fields.get("rollout")).longValue()).isEqualTo(1);
            assertThat(((Number) fields.get("fromEpoch")).longValue()).isEqualTo(oldEpoch);
            assertThat(((Number) fields.get("epoch")).longValue()).isEqualTo(next.leadership.epoch()).isGreaterThan(oldEpoch);
            assertThat(fields.get("inFlight")).isEqualTo(List.of("km1 restarting"));
            assertThat(fields.get("by")).isEqualTo("resume");
        });
        // the resumed rollout restarts km1 even if its files already match: its restart was in flight
        assertThat(next.journal("rollout.started")).last().satisfies(entry -> assertThat(((Map<?, ?>) entry.get("fields")).get("restartsInFlight"))
                .isEqualTo(List.of("km1")));
        assertThat(next.record(1)).hasValueSatisfying(r -> {
            assertThat(r.state()).isEqualTo(RolloutRecord.ABORTED);
            assertThat(r.reason()).contains("epoch " + oldEpoch + ") was lost while it ran").contains("takes it over").contains("km1 restarting");
        });
    }

    @Test
    void theRolloutTakenOverIsSharedWithTheRemainingFollower() {
        SharingController old = leader();
        write(old, RolloutRecord.RUNNING, Map.of("km1", "applying"));

        SharingController next = nextLeaderAfterTheOldLeaves(old);
        SharingController follower = controllers.stream().filter(c -> c != old && c != next).findFirst().orElseThrow();

        await().atMost(DEADLINE).until(() -> follower.record(2).isPresent() && follower.spec(2).isPresent());
        assertThat(follower.record(2).orElseThrow().source()).isEqualTo("cluster.yaml (resumes rollout 1)");
        await().atMost(DEADLINE).until(() -> follower.record(1).map(RolloutRecord::aborted).orElse(false));
        assertThat(follower.record(1).orElseThrow().reason()).contains("takes it over");
    }

    @Test
    void aPausedRolloutIsNotTakenOver() {
        SharingController old = leader();
        write(old, RolloutRecord.PAUSED, Map.of("km1", "healthy"));

        SharingController next = nextLeaderAfterTheOldLeaves(old);

        Optional<Rollouts.Started> taken = ClusterFixture.join(await().atMost(DEADLINE).until(() -> next.takeovers.peek(), f -> f != null), DEADLINE);
        assertThat(taken).isEmpty();
        assertThat(next.journal(Rollouts.ROLLOUT_TAKEOVER)).isEmpty();
        assertThat(next.records()).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RolloutRecord.ABORTED);
            assertThat(r.reason()).contains("was lost while it was paused; not taken over");
        });
    }

    @Test
    void aRolloutAbortedByTheOperatorIsNotTakenOver() {
        SharingController old = leader();
        write(old, RolloutRecord.ABORTED, Map.of("km1", "not-reached"));

        SharingController next = nextLeaderAfterTheOldLeaves(old);

        Optional<Rollouts.Started> taken = ClusterFixture.join(await().atMost(DEADLINE).until(() -> next.takeovers.peek(), f -> f != null), DEADLINE);
        assertThat(taken).isEmpty();
        assertThat(next.journal(Rollouts.ROLLOUT_TAKEOVER)).isEmpty();
        assertThat(next.records()).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(RolloutRecord.ABORTED));
    }

    /** The leader writes rollout 1's spec and a record in {@code state} with {@code steps}, and has shared them. */
    private static void write(SharingController leader, String state, Map<String, String> steps) {
        ClusterFixture.join(leader.saveSpec(1, SharingController.SPEC), DEADLINE);
        ClusterFixture.join(leader.save(SharingController.running(1, state, steps)), DEADLINE);
        await().atMost(DEADLINE).until(() -> leader.shared.record(1).map(r -> r.json().contains("\"state\":\"" + state + "\"")).orElse(false));
    }

    /** Closes the old leader's member (a clean leave: its lock is released) and waits for another to lead. */
    private SharingController nextLeaderAfterTheOldLeaves(SharingController old) {
        Future<Void> closed = old.cluster.close();
        await().atMost(DEADLINE).until(() -> controllers.stream().anyMatch(c -> c != old && c.leadership.isLeader()));
        ClusterFixture.join(closed, Duration.ofSeconds(30));
        return controllers.stream().filter(c -> c != old && c.leadership.isLeader()).findFirst().orElseThrow();
    }

    private SharingController leader() {
        return controllers.stream().filter(c -> c.leadership.isLeader()).findFirst().orElseThrow();
    }
}
