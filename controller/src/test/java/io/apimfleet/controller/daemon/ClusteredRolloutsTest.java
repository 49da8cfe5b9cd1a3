package io.apimfleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.cluster.ClusterFixture;
import io.apimfleet.controller.cluster.ClusterOptions;
import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.PeerCertificates;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.SecureFiles;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.rollout.Phase;
import io.apimfleet.controller.rollout.RolloutRecord;
import io.apimfleet.controller.rollout.Rollouts;
import io.apimfleet.controller.testing.FreePorts;
import io.apimfleet.protocol.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered controller daemons in this JVM on 127.0.0.113, .114 and .115, as after a full
 * restart of a cluster that stopped in the middle of a rollout: each state directory holds
 * rollout 1, running with km1 in flight, and the shared maps start empty. The leader elected
 * takes it over from its own state directory, and the followers get what it writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusteredRolloutsTest {
    private static final String[] IPS = {"127.0.0.113", "127.0.0.114", "127.0.0.115"};
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String SPEC = """
            apiVersion: apim-fleet/v1
            cluster: restarted
            admin: { password: "${secret:admin}" }
            nodes:
              - { name: km1, role: key-manager, host: km1.example }
            """;

    @TempDir
    static Path dir;

    private final List<ControllerState> states = new ArrayList<>();
    private final List<ControllerDaemon> daemons = new ArrayList<>();

    @BeforeAll
    void startThree() throws Exception {
        ClusterFixture.quietHazelcast();
        PeerCertificates certs = PeerCertificates.create(dir);
        List<String> peers = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String ip : IPS) {
            ports.add(FreePorts.on(ip));
            peers.add(ip + ":" + ports.get(ports.size() - 1));
        }
        List<CompletableFuture<ControllerDaemon>> starting = new ArrayList<>();
        for (int i = 0; i < IPS.length; i++) {
            String ip = IPS[i];
            ControllerState state = TestStates.fresh(Files.createDirectories(dir.resolve(ip)));
            leftRunning(state);
            states.add(state);
            int api = FreePorts.on(ip);
            ClusterOptions cluster = new ClusterOptions("apim-fleet-test", ip, ports.get(i), FreePorts.on(ip), peers,
                    certs.controller(ip), certs.peerTrust(), "https://" + ip + ":" + api);
            ControllerDaemon.Options options = ControllerDaemon.Options.defaults().withBind(List.of(ip))
                    .withPorts(api, FreePorts.on(ip)).withCluster(cluster);
            starting.add(CompletableFuture.supplyAsync(() -> ControllerDaemon.start(state, options)));
        }
        for (CompletableFuture<ControllerDaemon> daemon : starting) {
            daemons.add(daemon.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    /** Rollout 1 as a controller killed while km1 restarted leaves it in its state directory. */
    private static void leftRunning(ControllerState state) throws Exception {
        Path rollouts = state.dir().resolve("rollouts");
        SecureFiles.writePrivate(rollouts.resolve("000001.yaml"), SPEC.getBytes(StandardCharsets.UTF_8));
        RolloutRecord record = new RolloutRecord(1, "restarted", "cluster.yaml", "sha256:00", RolloutRecord.RUNNING, Instant.now(), null, null,
                List.of(new Phase("key-manager", List.of("km1"))), Map.of("km1", "restarting"), List.of(), List.of(), null);
        SecureFiles.writePrivate(rollouts.resolve("000001.json"), Json.mapper().writeValueAsBytes(record));
    }

    @AfterAll
    void closeAll() {
        List<CompletableFuture<Void>> closing = daemons.stream()
                .map(d -> CompletableFuture.runAsync(() -> d.close(Duration.ofSeconds(30)))).toList();
        closing.forEach(CompletableFuture::join);
    }

    @Test
    void afterAFullRestartTheLeaderTakesOverTheRolloutLeftRunningAndJournalsIt() {
        int leader = awaitLeader();

        await().atMost(DEADLINE).until(() -> !journal(leader, Rollouts.ROLLOUT_TAKEOVER).isEmpty());
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) journal(leader, Rollouts.ROLLOUT_TAKEOVER).get(0).get("fields");
        assertThat(((Number) fields.get("rollout")).longValue()).isEqualTo(1);
        assertThat(fields).doesNotContainKey("fromEpoch");   // the shared maps were empty: its own state directory told it
        assertThat(fields.get("inFlight")).isEqualTo(List.of("km1 restarting"));
        assertThat(fields.get("by")).isEqualTo("resume");
        await().atMost(DEADLINE).until(() -> admin(leader).rollouts().size() == 2);
        assertThat(admin(leader).rollouts().get(1).source()).isEqualTo("cluster.yaml (resumes rollout 1)");
    }

    @Test
    void theFollowersHaveTheRolloutsTheLeaderWroteAndAreNotBehind() {
        int leader = awaitLeader();
        await().atMost(DEADLINE).until(() -> admin(leader).rollouts().size() == 2
                && admin(leader).rollouts().get(1).finishedAt() != null);
        List<RolloutRecord> led = admin(leader).rollouts();

        for (int i = 0; i < IPS.length; i++) {
            int follower = i;
            if (follower == leader) {
                continue;
            }
            // GET /v1/rollouts reads the state directory: a follower answers it from what it wrote
            await().atMost(DEADLINE).until(() -> admin(follower).rollouts().equals(led));
        }
        await().atMost(DEADLINE).until(() -> admin(leader).controllers().members().stream().allMatch(m -> Long.valueOf(0).equals(m.behind())));
        ClusterView view = admin(leader).controllers();
        assertThat(view.members()).hasSize(3).allSatisfy(m -> assertThat(m.rolloutIndex()).isPositive());
    }

    private int awaitLeader() {
        await().atMost(DEADLINE).until(() -> admin(0).controllers().leader().isPresent());
        String api = admin(0).controllers().leader().orElseThrow().api();
        for (int i = 0; i < IPS.length; i++) {
            if (api.equals("https://" + IPS[i] + ":" + daemons.get(i).apiPort())) {
                return i;
            }
        }
        throw new AssertionError("no daemon has the leader's API " + api);
    }

    private ControllerClient admin(int i) {
        return ControllerClient.admin(states.get(i).dir(), URI.create("https://" + IPS[i] + ":" + daemons.get(i).apiPort()));
    }

    private List<Map<String, Object>> journal(int i, String type) {
        return states.get(i).journal().stream().filter(e -> type.equals(e.get("type"))).toList();
    }
}
