package io.apimfleet.controller.cluster;

import static io.apimfleet.controller.cluster.ClusterFixture.millisSince;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimfleet.controller.testing.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers as separate JVMs on 127.0.0.100, .101 and .102 (SIGSTOP needs a process of its
 * own): the leader is frozen, another takes over with a larger epoch; when the frozen one runs
 * again it reports that it is no longer leader.
 */
class FrozenLeaderTest {
    private static final String[] IPS = {"127.0.0.100", "127.0.0.101", "127.0.0.102"};

    @TempDir
    Path dir;

    private final List<Member> members = new ArrayList<>();

    private record Member(String ip, Process process, Queue<String> lines) {
        Long leaderEpoch() {
            Long epoch = null;
            for (String line : lines) {
                if (line.startsWith("LEADER ")) {
                    epoch = Long.parseLong(line.split(" ")[1]);
                } else if (line.startsWith("LOST ")) {
                    epoch = null;
                }
            }
            return epoch;
        }

        boolean printed(String prefix) {
            return lines.stream().anyMatch(l -> l.startsWith(prefix));
        }
    }

    @AfterEach
    void stopAll() throws IOException {
        for (Member member : members) {
            signal("CONT", member.process().pid());
            member.process().destroyForcibly();
        }
        for (Member member : members) {
            System.out.println("[frozen] " + member.ip() + " said " + member.lines());
        }
    }

    @Test
    void aFrozenLeaderIsReplacedByOneWithALargerEpochAndStepsDownWhenItRunsAgain() throws IOException {
        PeerCertificates certs = PeerCertificates.create(dir.resolve("pki"));
        Path ca = Files.writeString(dir.resolve("peer-ca.pem"), certs.peerCaPem());
        List<String> peers = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String ip : IPS) {
            int port = FreePorts.on(ip);
            ports.add(port);
            peers.add(ip + ":" + port);
        }
        long start = System.nanoTime();
        for (int i = 0; i < IPS.length; i++) {
            PeerCertificates.Pem pem = certs.controllerPem(IPS[i]);
            Path key = Files.writeString(dir.resolve(IPS[i] + ".key"), pem.key());
            Path chain = Files.writeString(dir.resolve(IPS[i] + ".crt"), pem.chain());
            members.add(launch(IPS[i], List.of(key.toString(), chain.toString(), ca.toString(), IPS[i],
                    ports.get(i).toString(), Integer.toString(FreePorts.on(IPS[i])), String.join(",", peers))));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> members.stream().filter(m -> m.leaderEpoch() != null).count() == 1);
        System.out.printf("[frozen] three processes up with one leader in %d ms%n", millisSince(start));
        Member old = members.stream().filter(m -> m.leaderEpoch() != null).findFirst().orElseThrow();
        long oldEpoch = old.leaderEpoch();

        long frozen = System.nanoTime();
        signal("STOP", old.process().pid());
        await().atMost(Duration.ofSeconds(40)).until(() -> members.stream().anyMatch(m -> m != old && m.leaderEpoch() != null));
        long tookOver = millisSince(frozen);
        Member next = members.stream().filter(m -> m != old && m.leaderEpoch() != null).findFirst().orElseThrow();
        System.out.printf("[frozen] leader %s stopped (SIGSTOP, epoch %d): %s leader with epoch %d after %d ms "
                        + "(session TTL %d s, documented bound %d ms)%n",
                old.ip(), oldEpoch, next.ip(), next.leaderEpoch(), tookOver,
                HazelcastSettings.CP_SESSION_TTL_S, HazelcastSettings.LOCK_LOSS_BOUND.toMillis());
        assertTrue(next.leaderEpoch() > oldEpoch, next.leaderEpoch() + " > " + oldEpoch);

        long resumed = System.nanoTime();
        signal("CONT", old.process().pid());
        await().atMost(Duration.ofSeconds(20)).until(() -> old.printed("LOST " + oldEpoch + " "));
        System.out.printf("[frozen] %s, resumed, reported the loss of epoch %d after %d ms%n", old.ip(), oldEpoch, millisSince(resumed));
        assertEquals(1, members.stream().filter(m -> m != old).filter(m -> m.leaderEpoch() != null).count());
    }

    private Member launch(String ip, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                ClusterMemberMain.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve(ip + ".stderr").toFile())
                .start();
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("READ FAILED " + e);
            }
        }, "member-" + ip);
        reader.setDaemon(true);
        reader.start();
        return new Member(ip, process, lines);
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                System.out.println("[frozen] kill -" + signal + " " + pid + " exited " + kill.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
