package io.apimfleet.controller.daemon;

import io.apimfleet.controller.testing.FreePorts;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.apimfleet.controller.cluster.ClusterFixture;
import io.apimfleet.controller.cluster.ClusterOptions;
import io.apimfleet.controller.cluster.PeerCertificates;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Three clustered controller daemons in this JVM, one per loopback address, each on its own
 * state directory; {@link #start} after {@link #stop} restarts them on the same ports, and
 * {@link #onNewPorts} gives the same cluster on ports chosen again.
 */
final class ClusteredDaemons {
    static final Duration START_DEADLINE = Duration.ofSeconds(90);

    private final PeerCertificates certs;
    private final List<String> ips;
    private final List<ControllerState> states;
    private final List<ControllerDaemon.Options> options = new ArrayList<>();
    private final List<ControllerDaemon> daemons = new ArrayList<>();

    ClusteredDaemons(PeerCertificates certs, List<ControllerState> states, String... ips) {
        this.certs = certs;
        this.ips = List.of(ips);
        this.states = List.copyOf(states);
        List<Integer> ports = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (String ip : ips) {
            ports.add(FreePorts.on(ip));
            peers.add(ip + ":" + ports.get(ports.size() - 1));
        }
        for (int i = 0; i < ips.length; i++) {
            String ip = ips[i];
            int api = FreePorts.on(ip);
            ClusterOptions cluster = new ClusterOptions("apim-fleet-test", ip, ports.get(i), FreePorts.on(ip), peers,
                    certs.controller(ip), certs.peerTrust(), "https://" + ip + ":" + api);
            options.add(ControllerDaemon.Options.defaults().withBind(List.of(ip))
                    .withPorts(api, FreePorts.on(ip)).withCluster(cluster));
        }
    }

    /**
     * Daemons on {@code ips}, not started, each on its own copy of one fresh state directory (as
     * until {@code fleet controller join}: same CAs and master key), under {@code dir/IP}.
     */
    static ClusteredDaemons onCopiesOfOneState(Path dir, String... ips) throws IOException {
        ClusterFixture.quietHazelcast();
        PeerCertificates certs = PeerCertificates.create(dir);
        ControllerState first = TestStates.fresh(Files.createDirectories(dir.resolve(ips[0])));
        List<ControllerState> states = new ArrayList<>(List.of(first));
        for (int i = 1; i < ips.length; i++) {
            states.add(TestStates.copyOf(first, dir.resolve(ips[i])));
        }
        return new ClusteredDaemons(certs, states, ips);
    }

    /**
     * The same controllers (addresses, state directories) on ports chosen again, to start after
     * {@link #stop}: while they are down, another test's socket may take one of the old ports
     * (a full restart on the old ones once failed with "Address already in use").
     */
    ClusteredDaemons onNewPorts() {
        return new ClusteredDaemons(certs, states, ips.toArray(String[]::new));
    }

    /** Whether {@code state} knows join token {@code tokenId} (by its id: the state holds no token). */
    static boolean knowsToken(ControllerState state, String tokenId) {
        return state.tokens().list(Instant.now()).stream().anyMatch(t -> t.id().equals(tokenId));
    }

    /** Starts the three at once; returns once each is up and in the cluster. */
    void start() throws Exception {
        List<CompletableFuture<ControllerDaemon>> starting = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            ControllerState state = states.get(i);
            ControllerDaemon.Options given = options.get(i);
            starting.add(CompletableFuture.supplyAsync(() -> ControllerDaemon.start(state, given)));
        }
        for (CompletableFuture<ControllerDaemon> daemon : starting) {
            daemons.add(daemon.get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** Stops the three at once and waits until each one's Vert.x and state worker are closed. */
    void stop() {
        List<CompletableFuture<Void>> closing = daemons.stream()
                .map(d -> CompletableFuture.runAsync(() -> d.close(Duration.ofSeconds(30)))).toList();
        closing.forEach(CompletableFuture::join);
        daemons.clear();
    }

    /** The Hazelcast members of these daemons (every one in this JVM bound to one of their addresses). */
    List<HazelcastInstance> hazelcasts() {
        return Hazelcast.getAllHazelcastInstances().stream()
                .filter(h -> ips.contains(h.getCluster().getLocalMember().getAddress().getHost())).toList();
    }

    ControllerState state(int i) {
        return states.get(i);
    }

    ControllerDaemon daemon(int i) {
        return daemons.get(i);
    }

    String hazelcastAddress(int i) {
        return options.get(i).cluster().hazelcastAddress();
    }

    int size() {
        return ips.size();
    }
}
