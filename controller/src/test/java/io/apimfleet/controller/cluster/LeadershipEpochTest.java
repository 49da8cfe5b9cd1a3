package io.apimfleet.controller.cluster;

import static io.apimfleet.controller.cluster.ClusterFixture.millisSince;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimfleet.controller.pki.ControllerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leadership epochs stay monotonic where the lock's fence does not: in a brand-new CP group (a
 * full restart of the controllers), and from a clustered run to a lone one. Three controllers in
 * this JVM on 127.0.0.70, .71 and .72, a new CP group for each test.
 */
class LeadershipEpochTest {
    private static final String[] IPS = {"127.0.0.70", "127.0.0.71", "127.0.0.72"};
    /** What agents saw before the restart: far above the fences of a new CP group. */
    private static final long BEFORE = 270;

    @TempDir
    Path dir;

    private List<ControllerCluster> members;
    private final List<Leadership> leaderships = new ArrayList<>();
    private final Queue<String> changes = new ConcurrentLinkedQueue<>();

    @AfterEach
    void closeAll() {
        System.out.println("[epoch] changes: " + changes);
        if (members != null) {
            ClusterFixture.closeAll(members);
        }
    }

    @Test
    void aLeaderOfANewCpGroupActsAboveTheEpochItsStateRecords() {
        long start = System.nanoTime();
        startThree(new MemoryFloor(BEFORE), new MemoryFloor(BEFORE), new MemoryFloor(BEFORE));
        Leadership leader = awaitLeader();
        System.out.printf("[epoch] new CP group, floors %d: leader %s, epoch %d after %d ms%n",
                BEFORE, IPS[leaderships.indexOf(leader)], leader.epoch(), millisSince(start));
        assertTrue(leader.epoch() > BEFORE, leader.epoch() + " > " + BEFORE);
    }

    @Test
    void aLeaderReElectsAboveAHigherFloorAFollowerBrings() {
        MemoryFloor[] floors = {new MemoryFloor(0), new MemoryFloor(0), new MemoryFloor(BEFORE)};
        startMembers();
        compete(0, floors[0]);
        compete(1, floors[1]);
        Leadership first = awaitLeader();
        long firstEpoch = first.epoch();
        assertTrue(firstEpoch < BEFORE, "a new group's first epoch is small: " + firstEpoch);
        long start = System.nanoTime();
        // .72 ran elsewhere up to epoch 270 (agents may have seen it), and only now competes
        compete(2, floors[2]);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Leadership leader = currentLeader();
            return leader != null && leader.epoch() > BEFORE;
        });
        Leadership leader = currentLeader();
        System.out.printf("[epoch] leader %s under epoch %d; %s brings %d: leader %s, epoch %d after %d ms%n",
                IPS[leaderships.indexOf(first)], firstEpoch, IPS[2], BEFORE, IPS[leaderships.indexOf(leader)], leader.epoch(), millisSince(start));
        assertTrue(changes.stream().anyMatch(c -> c.contains("epoch=" + firstEpoch + ", reason=a controller knows epoch")), "the first term ended: " + changes);
        await().atMost(Duration.ofSeconds(10)).until(() -> floors[0].highest() >= leader.epoch() && floors[1].highest() >= leader.epoch());
    }

    @Test
    void aLoneControllerAfterAClusteredRunContinuesAboveItsEpochs() {
        ControllerState state = ControllerState.init(dir.resolve("state-70"), "127.0.0.70:7443");
        state.raiseEpoch(12);   // twelve lone starts before --cluster
        startThree(new StateFloor(state), new MemoryFloor(0), new MemoryFloor(0));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Leadership leader = currentLeader();
            return leader != null && leader.epoch() > 12;
        });
        long clustered = currentLeader().epoch();
        // leader or follower, .70 writes the epoch it acts under or sees in its state
        await().atMost(Duration.ofSeconds(10)).until(() -> state.highestEpoch() >= clustered);
        ClusterFixture.closeAll(members);
        members = null;
        long lone = state.nextEpoch();
        System.out.printf("[epoch] clustered leader epoch %d, then lone epoch %d%n", clustered, lone);
        assertTrue(lone > clustered, lone + " > " + clustered);
    }

    @Test
    void twoSuccessiveLeadersOfOneGroupActUnderIncreasingEpochs() {
        startThree(new MemoryFloor(0), new MemoryFloor(0), new MemoryFloor(0));
        Leadership first = awaitLeader();
        long firstEpoch = first.epoch();
        int old = leaderships.indexOf(first);
        members.get(old).close();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Leadership next = currentLeader();
            return next != null && next != first;
        });
        Leadership second = currentLeader();
        System.out.printf("[epoch] leader %s epoch %d, then %s epoch %d%n",
                IPS[old], firstEpoch, IPS[leaderships.indexOf(second)], second.epoch());
        assertTrue(second.epoch() > firstEpoch, second.epoch() + " > " + firstEpoch);
    }

    private void startThree(EpochFloor... floors) {
        startMembers();
        for (int i = 0; i < IPS.length; i++) {
            compete(i, floors[i]);
        }
    }

    /** Three members of a new CP group, none competing yet. */
    private void startMembers() {
        ClusterFixture.quietHazelcast();
        PeerCertificates certs = PeerCertificates.create(dir.resolve("pki"));
        members = ClusterFixture.startAll(certs, IPS);
        leaderships.addAll(Collections.nCopies(IPS.length, null));
    }

    private void compete(int i, EpochFloor floor) {
        String who = IPS[i];
        leaderships.set(i, Leadership.compete(members.get(i), floor).onChange(c -> changes.add(who + " " + c)));
    }

    private Leadership awaitLeader() {
        await().atMost(Duration.ofSeconds(60)).until(() -> currentLeader() != null);
        return currentLeader();
    }

    /** The one leader (skipping a closed member that has not noticed yet is the caller's business). */
    private Leadership currentLeader() {
        return leaderships.stream().filter(l -> l != null && l.isLeader()).reduce((a, b) -> b).orElse(null);
    }

    /** A member's floor in a controller state, as the daemon keeps it (there through its state worker). */
    private record StateFloor(ControllerState state) implements EpochFloor {
        @Override
        public long highest() {
            return state.highestEpoch();
        }

        @Override
        public void raise(long epoch) {
            state.raiseEpoch(epoch);
        }
    }
}
