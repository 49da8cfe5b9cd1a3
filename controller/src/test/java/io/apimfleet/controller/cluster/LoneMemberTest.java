package io.apimfleet.controller.cluster;

import static io.apimfleet.controller.cluster.ClusterFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One controller on 127.0.0.122 whose two peers are not up yet, as the first controller is while
 * it admits the others ({@code fleet controller join}): the CP subsystem waits for three members.
 */
class LoneMemberTest {
    private static final String IP = "127.0.0.122";

    @TempDir
    Path dir;

    private List<ControllerCluster> members;

    @AfterEach
    void close() {
        if (members != null) {
            ClusterFixture.closeAll(members);
        }
    }

    @Test
    void aMemberWaitingForTheCpSubsystemCompetesStaysFollowerAndStopsAtOnce() {
        ClusterFixture.quietHazelcast();
        members = ClusterFixture.startAll(PeerCertificates.create(dir), IP);

        Leadership leadership = Leadership.compete(members.get(0), new MemoryFloor(0));

        assertThat(leadership.isLeader()).isFalse();
        long start = System.nanoTime();
        join(leadership.stop(), Duration.ofSeconds(5));
        System.out.printf("[lone] leadership stopped in %d ms while the CP subsystem waited%n", (System.nanoTime() - start) / 1_000_000);
    }
}
