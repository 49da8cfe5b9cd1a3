package io.apimfleet.controller.cluster;

import static io.apimfleet.controller.cluster.ClusterFixture.join;
import static io.apimfleet.controller.cluster.ClusterFixture.millisSince;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers in this JVM on 127.0.0.73, .74 and .75, started afresh for each test (each
 * test takes the leader away). A frozen leader (SIGSTOP) needs separate processes: not here.
 */
class LeadershipFailoverTest {
    private static final String[] IPS = {"127.0.0.73", "127.0.0.74", "127.0.0.75"};

    @TempDir
    Path dir;

    private List<ControllerCluster> members;
    private List<Leadership> leaderships;
    private final Queue<String> changes = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startThree() {
        ClusterFixture.quietHazelcast();
        PeerCertificates certs = PeerCertificates.create(dir);
        long start = System.nanoTime();
        members = ClusterFixture.startAll(certs, IPS);
        leaderships = new ArrayList<>();
        for (ControllerCluster member : members) {
            String who = member.options().bind();
            leaderships.add(Leadership.compete(member, new MemoryFloor(0)).onChange(c -> changes.add(who + " " + c)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> leaderships.stream().filter(Leadership::isLeader).count() == 1);
        System.out.printf("[failover] three controllers up with one leader in %d ms%n", millisSince(start));
    }

    @AfterEach
    void closeAll() {
        System.out.println("[failover] changes: " + changes);
        if (members != null) {
            ClusterFixture.closeAll(members);
        }
    }

    @Test
    void whenTheLeadersVertxIsClosedAnotherBecomesLeaderWithALargerEpoch() {
        int old = leaderIndex();
        long oldEpoch = leaderships.get(old).epoch();
        Future<LeadershipChange> deposed = leaderships.get(old).deposed();
        long start = System.nanoTime();
        members.get(old).close();
        await().atMost(Duration.ofSeconds(30)).until(() -> otherLeader(old) != null);
        long took = millisSince(start);
        Leadership next = otherLeader(old);
        System.out.printf("[failover] leader %s closed (epoch %d): %s leader with epoch %d after %d ms%n",
                IPS[old], oldEpoch, IPS[leaderships.indexOf(next)], next.epoch(), took);
        assertTrue(next.epoch() > oldEpoch, next.epoch() + " > " + oldEpoch);
        LeadershipChange lost = join(deposed, Duration.ofSeconds(10));
        assertFalse(lost.leader());
        assertEquals(oldEpoch, lost.epoch());
        assertEquals(1, leaderships.stream().filter(l -> l != leaderships.get(old)).filter(Leadership::isLeader).count());
    }

    @Test
    void whenTheLeaderCrashesAnotherBecomesLeaderOnceItsSessionExpires() {
        int old = leaderIndex();
        long oldEpoch = leaderships.get(old).epoch();
        long start = System.nanoTime();
        // no clean shutdown: the member vanishes, its CP session stays open until its TTL runs out
        members.get(old).hazelcast().getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(40)).until(() -> otherLeader(old) != null);
        long took = millisSince(start);
        Leadership next = otherLeader(old);
        System.out.printf("[failover] leader %s terminated (epoch %d): %s leader with epoch %d after %d ms "
                        + "(session TTL %d s, documented bound %d ms)%n",
                IPS[old], oldEpoch, IPS[leaderships.indexOf(next)], next.epoch(), took,
                HazelcastSettings.CP_SESSION_TTL_S, HazelcastSettings.LOCK_LOSS_BOUND.toMillis());
        assertTrue(next.epoch() > oldEpoch, next.epoch() + " > " + oldEpoch);
        assertFalse(leaderships.get(old).isLeader(), "the terminated member stepped down");
    }

    private int leaderIndex() {
        for (int i = 0; i < leaderships.size(); i++) {
            if (leaderships.get(i).isLeader()) {
                return i;
            }
        }
        throw new AssertionError("no leader");
    }

    private Leadership otherLeader(int old) {
        for (int i = 0; i < leaderships.size(); i++) {
            if (i != old && leaderships.get(i).isLeader()) {
                return leaderships.get(i);
            }
        }
        return null;
    }
}
