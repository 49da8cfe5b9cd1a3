package io.apimfleet.controller.cluster;

import io.apimfleet.controller.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.net.KeyCertOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts controllers on loopback addresses for the cluster tests. */
public final class ClusterFixture {
    public static final Duration START_DEADLINE = Duration.ofSeconds(90);
    /** Kept referenced: java.util.logging holds loggers weakly, and the level would be lost. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private ClusterFixture() {
    }

    public static void quietHazelcast() {
        HAZELCAST_LOG.setLevel(Level.WARNING);
    }

    /** Options for one member on {@code ip}, with a free event bus port on that address. */
    public static ClusterOptions options(String ip, int hazelcastPort, List<String> peers, KeyCertOptions identity, PeerCertificates certs) {
        int eventBusPort = FreePorts.on(ip);
        return new ClusterOptions("apim-fleet-test", ip, hazelcastPort, eventBusPort, peers, identity, certs.peerTrust());
    }

    /** The agent bridge endpoint the members of {@link #startAll} publish (nothing listens there). */
    static String bridgeOf(String ip) {
        return ip + ":7444";
    }

    /** Starts one member per address, all at once, each publishing {@link #bridgeOf} its address; returns them in the order of {@code ips}. */
    public static List<ControllerCluster> startAll(PeerCertificates certs, String... ips) {
        List<Integer> ports = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (String ip : ips) {
            int port = FreePorts.on(ip);
            ports.add(port);
            peers.add(ip + ":" + port);
        }
        List<Future<ControllerCluster>> starting = new ArrayList<>();
        for (int i = 0; i < ips.length; i++) {
            starting.add(ControllerCluster.start(options(ips[i], ports.get(i), peers, certs.controller(ips[i]), certs).withBridge(bridgeOf(ips[i]))));
        }
        List<ControllerCluster> members = new ArrayList<>();
        for (Future<ControllerCluster> future : starting) {
            members.add(join(future, START_DEADLINE));
        }
        return members;
    }

    public static <T> T join(Future<T> future, Duration deadline) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("not done within " + deadline, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until {@code future} is complete, failed or not; returns it. */
    static <T> Future<T> settle(Future<T> future, Duration deadline) {
        try {
            future.toCompletionStage().toCompletableFuture().handle((r, e) -> null).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return future;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("not complete within " + deadline, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Closes every member at once (a clean leave can take up to the graceful-shutdown bound). */
    public static void closeAll(List<? extends ControllerCluster> members) {
        List<Future<Void>> closing = members.stream().map(ControllerCluster::close).toList();
        for (int i = 0; i < members.size(); i++) {
            try {
                join(closing.get(i), Duration.ofSeconds(HazelcastSettings.GRACEFUL_SHUTDOWN_S + 15));
            } catch (AssertionError e) {
                System.out.println("[cluster] closing " + members.get(i).options().hazelcastAddress() + ": " + e.getMessage());
            }
        }
    }

    public static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
