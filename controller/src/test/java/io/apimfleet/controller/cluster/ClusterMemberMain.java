package io.apimfleet.controller.cluster;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.util.List;

/**
 * One controller-cluster member in a process of its own, for {@link FrozenLeaderTest}: prints
 * {@code UP}, then {@code LEADER <epoch>} and {@code LOST <epoch> <reason>} lines on stdout;
 * exits (without a clean leave, like a crash) when its stdin closes.
 *
 * <p>Arguments: key file, chain file, controller-peer CA file, bind, Hazelcast port, event bus
 * port, peers (comma-separated).
 */
public final class ClusterMemberMain {
    private ClusterMemberMain() {
    }

    public static void main(String[] args) {
        ClusterFixture.quietHazelcast();
        ClusterOptions options = new ClusterOptions("apim-fleet-test", args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                List.of(args[6].split(",")),
                new PemKeyCertOptions().setKeyPath(args[0]).setCertPath(args[1]),
                new PemTrustOptions().addCertPath(args[2]));
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // wait for the end of input
                }
            } catch (IOException ignored) {
                // the parent went away
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
        ControllerCluster.start(options)
                .onSuccess(cluster -> {
                    say("UP " + cluster.memberId());
                    Leadership.compete(cluster, new MemoryFloor(0)).onChange(c -> say((c.leader() ? "LEADER " : "LOST ") + c.epoch() + " " + c.reason()));
                })
                .onFailure(e -> {
                    say("FAILED " + e);
                    Runtime.getRuntime().halt(2);
                });
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
