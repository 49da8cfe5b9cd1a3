package io.apimfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.protocol.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A seven-node cluster (key managers and publishers doubled) behind a real HAProxy or nginx that
 * the fleet configures, under steady traffic to the key-manager and publisher endpoints, while:
 * a spec change rolls through key managers and the gateway; a change that makes a key manager
 * fail is rolled back and halts the rollout; the controller is killed mid-rollout and, restarted,
 * reports the rollout aborted, with every node on one revision or the other, and resumes it.
 * Requests sent and failed are printed for each; HAProxy must lose none.
 */
class RollingReconfigurationTest {
    private static final String BALANCER_HOST = "127.0.0.40";
    private static final int KM_PORT = 9443;
    private static final int PUB_PORT = 9444;

    @TempDir
    Path dir;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static boolean installed(String binary) {
        return Files.isExecutable(Path.of("/usr/sbin", binary)) || Files.isExecutable(Path.of("/usr/bin", binary));
    }

    private String spec(String kind, String extra) {
        StringBuilder yaml = new StringBuilder(LocalCluster.specHead("rolling")).append("nodes:\n");
        yaml.append(cluster.nodeLines(node -> true));
        yaml.append("""
                loadBalancer:
                  node: lb1
                  kind: %s
                  endpoints:
                    key-manager: { host: %s, port: %d }
                    publisher: { host: %s, port: %d }
                rollout: { minHealthy: 1s, healthyDeadline: 20s, probeInterval: 250ms }
                """.formatted(kind, BALANCER_HOST, KM_PORT, BALANCER_HOST, PUB_PORT));
        return yaml.append(extra).toString();
    }

    private static String jvm(String heaps) {
        return "jvm: { heap: { " + heaps + " } }\n";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"haproxy", "nginx"})
    void rollingChangesLoseNoRequestThroughTheLoadBalancer(String kind) throws Exception {
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/apim-standin"))).as("built distribution at " + Launched.DIST).isTrue();
        assumeThat(installed(kind)).as("SKIPPED: " + kind + " is not installed (apt-get install -y " + kind + "; .ci/run does it)").isTrue();
        String[][] nodes = {{"km1", "127.0.0.41", "key-manager"}, {"km2", "127.0.0.42", "key-manager"}, {"pub1", "127.0.0.43", "publisher"},
                {"pub2", "127.0.0.44", "publisher"}, {"store1", "127.0.0.45", "store"}, {"tm1", "127.0.0.46", "traffic-manager"},
                {"gw1", "127.0.0.47", "gateway"}, {"lb1", BALANCER_HOST, LocalCluster.LOAD_BALANCER}};
        cluster = new LocalCluster(dir, "0.5s", nodes);
        String base = jvm("default: 64m");

        Launched first = apply("first.yaml", spec(kind, base));
        assertThat(first.process().exitValue()).as(first.output() + cluster.logs()).isZero();
        HttpClient client = HttpClient.newBuilder().sslContext(ProductCaTrust.of(cluster.state)).build();
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, KM_PORT, "127.0.0.41", "127.0.0.42");
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, PUB_PORT, "127.0.0.43", "127.0.0.44");

        // 1. A change for key managers and gateways (options.jwt), rolled through them one at a time.
        EndpointLoad jwt = EndpointLoad.start(client, BALANCER_HOST, KM_PORT, PUB_PORT);
        long started = System.nanoTime();
        Launched jwtApply = apply("jwt.yaml", spec(kind, base + "options: { jwt: true }\n"));
        long jwtMs = millisSince(started);
        jwt.stop();
        assertThat(jwtApply.process().exitValue()).as(jwtApply.output() + cluster.logs()).isZero();
        assertThat(jwtApply.output()).contains("km1: draining").contains("km2: draining").contains("gw1: restarting");
        System.out.println(kind + " rolling options.jwt through key managers and the gateway: " + jwt.summary() + ", rollout " + jwtMs + " ms");

        // 2. A change that makes a key manager fail (a heap the JVM refuses): rolled back, the rollout halts, km2 untouched.
        EndpointLoad failing = EndpointLoad.start(client, BALANCER_HOST, KM_PORT, PUB_PORT);
        started = System.nanoTime();
        Launched failApply = apply("failing.yaml", spec(kind, jvm("default: 64m, key-manager: 1m") + "options: { jwt: true }\n"));
        long failMs = millisSince(started);
        failing.stop();
        assertThat(failApply.process().exitValue()).as(failApply.output()).isEqualTo(5);
        assertThat(failApply.output()).contains("km1: FAILED").contains("rolled back");
        assertThat(lastRollout().path("steps").path("km2").asText()).isEqualTo("not-reached");
        System.out.println(kind + " key manager failing, rolled back: " + failing.summary() + ", rollout " + failMs + " ms");
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, KM_PORT, "127.0.0.41", "127.0.0.42");

        // 3. The controller dies (SIGKILL) while a key manager restarts; restarted, it reports the rollout aborted and resumes it.
        EndpointLoad crash = EndpointLoad.start(client, BALANCER_HOST, KM_PORT, PUB_PORT);
        started = System.nanoTime();
        long before = lastRollout().path("id").asLong();
        Path heavier = cluster.writeSpec("heavier.yaml", spec(kind, jvm("default: 64m, key-manager: 72m") + "options: { jwt: true }\n"));
        Launched interrupted = Launched.start(dir.resolve("logs/apply-heavier.log"), "fleet", "apply", "-f", heavier.toString(), "--yes",
                "--state", cluster.state.toString());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> interrupted.output().contains("km1: waiting") || !interrupted.process().isAlive());
        assertThat(interrupted.process().isAlive()).as(interrupted.output()).isTrue();
        cluster.crashAndRestartController();
        assertThat(interrupted.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        JsonNode aborted = lastRollout();
        assertThat(aborted.path("id").asLong()).isEqualTo(before + 1);
        assertThat(aborted.path("state").asText()).isEqualTo("aborted");
        assertThat(aborted.path("reason").asText()).contains("controller stopped");
        JsonNode status = Json.mapper().readTree(Launched.run(dir.resolve("logs/status-after-crash.log"), "fleet", "status", "--state",
                cluster.state.toString(), "--output", "json"));
        List<Long> revisions = new ArrayList<>();
        status.forEach(node -> revisions.add(node.path("revision").asLong()));
        Set<Long> allowed = new HashSet<>(revisions.stream().filter(r -> r <= before).toList());
        allowed.add(before + 1);
        assertThat(revisions).as("every node on its previous revision or the interrupted one, none in between: " + status)
                .allMatch(allowed::contains);
        Launched resumed = Launched.start(dir.resolve("logs/resume.log"), "fleet", "rollout", "resume", "--state", cluster.state.toString());
        assertThat(resumed.process().waitFor(180, TimeUnit.SECONDS)).as(resumed.output()).isTrue();
        long crashMs = millisSince(started);
        crash.stop();
        assertThat(resumed.process().exitValue()).as(resumed.output() + cluster.logs()).isZero();
        System.out.println(kind + " controller killed mid-rollout, restarted, rollout resumed: " + crash.summary() + ", rollout " + crashMs + " ms");
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, KM_PORT, "127.0.0.41", "127.0.0.42");

        if (kind.equals("haproxy")) {
            assertThat(jwt.failures).as("requests that failed while options.jwt rolled").isEmpty();
            assertThat(failing.failures).as("requests that failed while a key manager failed and was rolled back").isEmpty();
            assertThat(crash.failures).as("requests that failed around the controller crash").isEmpty();
        } else {   // nginx reloads close idle keep-alive connections: a client may see a few; never more than 1 % of requests
            for (EndpointLoad traffic : List.of(jwt, failing, crash)) {
                assertThat(traffic.failures.size()).as(traffic.failures.toString()).isLessThanOrEqualTo(traffic.sent.get() / 100);
            }
        }
    }

    private Launched apply(String name, String yaml) throws InterruptedException {
        return cluster.apply(name, yaml, "--yes");
    }

    private JsonNode lastRollout() throws Exception {
        JsonNode history = Json.mapper().readTree(Launched.run(dir.resolve("logs/history-" + System.nanoTime() + ".log"), "fleet", "rollout",
                "history", "--state", cluster.state.toString(), "--output", "json"));
        return history.get(history.size() - 1);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
