package io.apimfleet.controller.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.cluster.ClusterFixture;
import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.ControllerCluster;
import io.apimfleet.controller.cluster.PeerCertificates;
import io.apimfleet.controller.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers in this JVM on 127.0.0.85, .86 and .87 (and one joining later on .88),
 * shared by the tests (none takes the leader away; each uses rollout ids of its own): what the
 * leader writes of its rollouts, every follower writes to its own state directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutSharingTest {
    private static final String[] IPS = {"127.0.0.85", "127.0.0.86", "127.0.0.87"};
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private PeerCertificates certs;
    private final List<ControllerCluster> members = new ArrayList<>();
    private final List<SharingController> controllers = new ArrayList<>();

    @BeforeAll
    void startThree() throws Exception {
        ClusterFixture.quietHazelcast();
        certs = PeerCertificates.create(dir);
        members.addAll(ClusterFixture.startAll(certs, IPS));
        for (ControllerCluster member : members) {
            controllers.add(new SharingController(member, dir));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> controllers.stream().filter(c -> c.leadership.isLeader()).count() == 1);
    }

    @AfterAll
    void closeAll() {
        controllers.forEach(SharingController::close);
        ClusterFixture.closeAll(members);
    }

    @Test
    void aFollowerPersistsTheLeadersRolloutAndSpec() throws Exception {
        SharingController leader = leader();
        ClusterFixture.join(leader.saveSpec(1, SharingController.SPEC), DEADLINE);
        ClusterFixture.join(leader.save(SharingController.running(1, RolloutRecord.RUNNING, Map.of("km1", "applying"))), DEADLINE);

        for (SharingController follower : followers()) {
            await().atMost(DEADLINE).until(() -> follower.recordFile(1) != null);
            assertThat(follower.recordFile(1)).isEqualTo(leader.recordFile(1));
            assertThat(follower.spec(1)).contains(SharingController.SPEC);
        }
    }

    @Test
    void aFollowerPersistsEachStepTheLeaderWrites() throws Exception {
        SharingController leader = leader();
        ClusterFixture.join(leader.saveSpec(2, SharingController.SPEC), DEADLINE);
        ClusterFixture.join(leader.save(SharingController.running(2, RolloutRecord.RUNNING, Map.of("km1", "applying"))), DEADLINE);
        ClusterFixture.join(leader.save(SharingController.running(2, RolloutRecord.RUNNING, Map.of("km1", "restarting"))), DEADLINE);

        for (SharingController follower : followers()) {
            await().atMost(DEADLINE).until(() -> follower.record(2).map(r -> r.inFlight().equals(List.of("km1 restarting"))).orElse(false));
            assertThat(follower.recordFile(2)).isEqualTo(leader.recordFile(2));
        }
    }

    @Test
    void theViewTellsEachMembersPositionAndThatItIsNotBehindOnceItHasWrittenTheLeadersRecords() {
        SharingController leader = leader();
        ClusterFixture.join(leader.saveSpec(4, SharingController.SPEC), DEADLINE);
        ClusterFixture.join(leader.save(SharingController.running(4, RolloutRecord.RUNNING, Map.of("km1", "applying"))), DEADLINE);

        await().atMost(DEADLINE).until(() -> positions(leader).members().stream().allMatch(m -> Long.valueOf(0).equals(m.behind())));
        ClusterView view = positions(leader);
        long head = view.leader().orElseThrow().rolloutIndex();
        assertThat(head).isPositive();
        assertThat(view.members()).hasSize(3).allSatisfy(m -> assertThat(m.rolloutIndex()).isEqualTo(head));
    }

    private static ClusterView positions(SharingController asked) {
        ClusterView view = ClusterFixture.join(asked.leadership.view(), DEADLINE);
        return ClusterFixture.join(asked.cluster.vertx().executeBlocking(() -> asked.shared.withPositions(view)), DEADLINE);
    }

    @Test
    void aMemberThatJoinsLaterCatchesUp() throws Exception {
        SharingController leader = leader();
        ClusterFixture.join(leader.saveSpec(3, SharingController.SPEC), DEADLINE);
        ClusterFixture.join(leader.save(SharingController.running(3, RolloutRecord.SUCCEEDED, Map.of("km1", "healthy"))), DEADLINE);
        await().atMost(DEADLINE).until(() -> leader.shared.record(3).isPresent());   // shared after the write, on a thread of its own

        String ip = "127.0.0.88";
        List<String> peers = new ArrayList<>(members.stream().map(m -> m.options().hazelcastAddress()).toList());
        int port = FreePorts.on(ip);
        peers.add(ip + ":" + port);
        ControllerCluster late = ClusterFixture.join(ControllerCluster.start(ClusterFixture.options(ip, port, peers, certs.controller(ip), certs)),
                ClusterFixture.START_DEADLINE);
        SharingController joined = null;
        try {
            joined = new SharingController(late, dir);   // writes what was shared before it returns
            assertThat(joined.recordFile(3)).isEqualTo(leader.recordFile(3));
            assertThat(joined.spec(3)).contains(SharingController.SPEC);
            assertThat(joined.leadership.isLeader()).isFalse();
        } finally {
            if (joined != null) {
                ClusterFixture.join(joined.leadership.stop(), DEADLINE);
                joined.close();
            }
            ClusterFixture.closeAll(List.of(late));
        }
    }

    @Test
    void aFollowerSharesNothingItWrites() {
        SharingController follower = followers().get(0);

        ClusterFixture.join(follower.saveSpec(5, SharingController.SPEC), DEADLINE);
        ClusterFixture.join(follower.save(SharingController.running(5, RolloutRecord.RUNNING, Map.of("km1", "applying"))), DEADLINE);
        ClusterFixture.join(follower.rollouts.sharedSoFar(), DEADLINE);

        assertThat(ClusterFixture.join(follower.cluster.vertx().executeBlocking(() -> follower.shared.record(5)), DEADLINE)).isEmpty();
        assertThat(ClusterFixture.join(follower.cluster.vertx().executeBlocking(() -> follower.shared.spec(5)), DEADLINE)).isEmpty();
    }

    @Test
    void aRecordFromAnOlderEpochNeverReplacesANewerLeadersRecord() {
        SharingController any = controllers.get(0);
        long id = 1_000;
        assertThat(ClusterFixture.join(any.cluster.vertx().executeBlocking(() -> any.shared.putRecord(id, 7, 0, "{\"newer\":true}")), DEADLINE)).isTrue();

        boolean replaced = ClusterFixture.join(any.cluster.vertx().executeBlocking(() -> any.shared.putRecord(id, 6, 0, "{\"older\":true}")), DEADLINE);

        assertThat(replaced).isFalse();
        assertThat(ClusterFixture.join(any.cluster.vertx().executeBlocking(() -> any.shared.record(id)), DEADLINE))
                .hasValueSatisfying(r -> assertThat(r.epoch()).isEqualTo(7));
    }

    @Test
    void aSpecWithAPasswordWrittenInlineIsRefusedAndNothingIsShared() {
        SharingController leader = leader();
        String inline = SharingController.SPEC.replace("${secret:admin}", "hunter2-inline");
        List<Long> before = ClusterFixture.join(leader.cluster.vertx().executeBlocking(() -> List.copyOf(leader.shared.records().keySet())), DEADLINE);

        Throwable refused = leader.rollouts.start("cluster.yaml", inline, Map.of()).toCompletionStage().toCompletableFuture()
                .handle((r, e) -> e).join();

        assertThat(refused instanceof CompletionException c ? c.getCause() : refused).isInstanceOf(SpecRejected.class);
        List<Long> after = ClusterFixture.join(leader.cluster.vertx().executeBlocking(() -> List.copyOf(leader.shared.records().keySet())), DEADLINE);
        assertThat(after).isEqualTo(before);
        for (long id : after) {
            assertThat(ClusterFixture.join(leader.cluster.vertx().executeBlocking(() -> leader.shared.spec(id).orElse("")), DEADLINE))
                    .doesNotContain("hunter2-inline");
        }
    }

    private SharingController leader() {
        return controllers.stream().filter(c -> c.leadership.isLeader()).findFirst().orElseThrow();
    }

    private List<SharingController> followers() {
        return controllers.stream().filter(c -> !c.leadership.isLeader()).toList();
    }
}
