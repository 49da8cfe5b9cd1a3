package io.apimfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.ControllerMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code fleet controller run --cluster} processes of the built distribution, each on its own
 * loopback address: how to launch one, wait for them, and find the leader they agree on.
 *
 * <p>Interim, until {@code fleet controller join} exists: the second and third controllers run on
 * copies of the first one's state directory ({@link #copy}), made before any of them started.
 */
final class ClusteredControllers {
    static final Duration START_DEADLINE = Duration.ofSeconds(120);
    static final Duration ELECTION_DEADLINE = Duration.ofSeconds(90);

    private ClusteredControllers() {
    }

    /** One controller process and how to reach it. */
    record Member(String ip, Path state, int apiPort, int clusterPort, Launched process) {
        URI api() {
            return URI.create("https://" + ip + ":" + apiPort);
        }

        String clusterAddress() {
            return ip + ":" + clusterPort;
        }

        ControllerClient client() {
            return ControllerClient.admin(state, api());
        }

        ClusterView view() {
            return client().controllers();
        }

        boolean alive() {
            return process != null && process.process().isAlive();
        }
    }

    /**
     * The members to start on {@code ips}, ports chosen: the first runs on {@code first}, the others
     * on copies of it ({@code controller-N} beside it) that {@link #start} makes.
     */
    static List<Member> plan(List<String> ips, Path first) throws IOException {
        List<Member> planned = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            planned.add(plan(ips.get(i), i == 0 ? first : first.resolveSibling("controller-" + (i + 1))));
        }
        return planned;
    }

    /**
     * Starts every planned member, all running when it returns: the first member's state must be
     * initialised; the others get copies of it, made before any started.
     */
    static List<Member> start(Path dir, List<Member> planned) throws IOException {
        for (Member member : planned.subList(1, planned.size())) {
            copy(planned.get(0).state(), member.state());
        }
        List<Member> started = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            started.add(launch(dir.resolve("logs"), planned.get(i), peers(planned), "controller-" + (i + 1)));
        }
        awaitRunning(started);
        return started;
    }

    /** A member not started yet: free API and cluster ports on {@code ip}. */
    static Member plan(String ip, Path state) throws IOException {
        return new Member(ip, state, freePort(ip), freePortPair(ip), null);
    }

    /** The {@code --peers} value of {@code members}. */
    static List<String> peers(List<Member> members) {
        return members.stream().map(Member::clusterAddress).toList();
    }

    /** Starts {@code member}'s controller process (its state, address and ports), returning it with the process. */
    static Member launch(Path logs, Member member, List<String> peers, String log) throws IOException {
        Launched process = Launched.start(logs.resolve(log + ".log"), "fleet", "controller", "run",
                "--state", member.state().toString(), "--bind", member.ip(), "--api-port", Integer.toString(member.apiPort()),
                "--bridge-port", Integer.toString(freePort(member.ip())),
                "--cluster", "--cluster-bind", member.ip(), "--cluster-port", Integer.toString(member.clusterPort()),
                "--peers", String.join(",", peers));
        return new Member(member.ip(), member.state(), member.apiPort(), member.clusterPort(), process);
    }

    static void awaitRunning(List<Member> started) {
        for (Member member : started) {
            await().atMost(START_DEADLINE).until(() -> member.process().output().contains("running;") || !member.process().process().isAlive());
            assertThat(member.process().process().isAlive()).as(member.process().output()).isTrue();
        }
    }

    /** Waits until every member of {@code asked} names the same leader among them, with an epoch above {@code above}. */
    static Member awaitLeader(List<Member> asked, long above) {
        return await().atMost(ELECTION_DEADLINE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> agreedLeader(asked, above), Optional::isPresent).orElseThrow();
    }

    static Optional<Member> agreedLeader(List<Member> asked, long above) {
        List<String> named = asked.stream().map(m -> m.view().leader().filter(l -> l.epoch() > above).map(ControllerMember::api).orElse("")).distinct().toList();
        if (named.size() != 1 || named.get(0).isEmpty()) {
            return Optional.empty();
        }
        return asked.stream().filter(m -> m.api().toString().equals(named.get(0))).findFirst();
    }

    /** A copy of a state directory, modes kept (every file 0600, every directory 0700). */
    static Path copy(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort(String ip) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return socket.getLocalPort();
        }
    }

    /** A port N on {@code ip} with N+1 free too (Hazelcast and the event bus between controllers). */
    static int freePortPair(String ip) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort(ip);
            if (port < 65535) {
                try (ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getByName(ip))) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no two consecutive free ports on " + ip);
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
