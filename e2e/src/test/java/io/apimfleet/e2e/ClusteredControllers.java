package io.apimfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.ControllerMember;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /** The token and the fleet root's pin in the join command {@code fleet token create} and {@code fleet controller token create} print. */
    static final Pattern JOIN = Pattern.compile("--token (\\S+) --ca-hash (sha256:[0-9a-f]{64})");

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
     * on states ({@code controller-N} beside it) that {@link #start} makes by joining the first.
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
     * initialised; each other member joins the first with a controller token of its own
     * ({@code fleet controller token create}, then {@code fleet controller join}: its own keys and
     * intermediate CAs, the cluster secrets over the controller-peer channel) before it starts.
     */
    static List<Member> start(Path dir, List<Member> planned) throws IOException {
        Path logs = dir.resolve("logs");
        List<String> peers = peers(planned);
        Member first = launch(logs, planned.get(0), peers, "controller-1");
        awaitRunning(List.of(first));
        List<Member> started = new ArrayList<>(List.of(first));
        for (int i = 1; i < planned.size(); i++) {
            join(logs, first, planned.get(i));
            started.add(launch(logs, planned.get(i), peers, "controller-" + (i + 1)));
        }
        awaitRunning(started);
        return started;
    }

    /** {@code member}'s state made by {@code fleet controller join} with a token {@code first} issued. */
    static void join(Path logs, Member first, Member member) {
        String created = Launched.run(logs.resolve("controller-token-" + member.ip() + ".log"), "fleet", "controller", "token", "create",
                "--state", first.state().toString(), "--controller", first.api().toString());
        Matcher printed = JOIN.matcher(created);
        assertThat(printed.find()).as(created).isTrue();
        Launched.run(logs.resolve("controller-join-" + member.ip() + ".log"), "fleet", "controller", "join",
                "--controller", first.api().toString(), "--token", printed.group(1), "--ca-hash", printed.group(2),
                "--state", member.state().toString(), "--advertise", member.ip() + ":" + member.apiPort(), "--cluster-bind", member.ip());
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

    static int freePort(String ip) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return socket.getLocalPort();
        }
    }

    /**
     * A port N on {@code ip} with N+1 and N+2 free too (Hazelcast, the event bus between controllers,
     * the listener joining controllers fetch the cluster secrets from).
     */
    static int freePortPair(String ip) throws IOException {
        InetAddress address = InetAddress.getByName(ip);
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort(ip);
            if (port < 65534) {
                try (ServerSocket second = new ServerSocket(port + 1, 1, address); ServerSocket third = new ServerSocket(port + 2, 1, address)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no three consecutive free ports on " + ip);
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
