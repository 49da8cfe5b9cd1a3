package io.apimfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.protocol.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code fleet apply} of a five-node cluster (one node per role) across real processes: the
 * controller, one agent per node, one stand-in per node on its own loopback address. The
 * journal is the witness: phases in start order, and no node started before every node of the
 * phases before it was healthy. Phase times are printed, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterApplyTest {
    static final String TEST_ROLLOUT = "{ minHealthy: 1s, healthyDeadline: 30s, probeInterval: 250ms }";

    Path dir;
    LocalCluster cluster;

    @BeforeAll
    void startTheHosts(@TempDir Path dir) throws Exception {
        this.dir = dir;
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/apim-standin"))).as("built distribution at " + Launched.DIST).isTrue();
        cluster = new LocalCluster(dir, "0.5s");
    }

    @AfterAll
    void stopEverything() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** {@code fleet apply --yes}: these nodes are single, and the tests restart them on purpose. */
    private Launched apply(String specName, String yaml, String... extra) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("--yes"));
        args.addAll(List.of(extra));
        return applyAsGiven(specName, yaml, args.toArray(String[]::new));
    }

    private Launched applyAsGiven(String specName, String yaml, String... extra) throws InterruptedException {
        return cluster.apply(specName, yaml, extra);
    }

    private static List<JsonNode> ofRollout(List<JsonNode> journal, long rollout) {
        return journal.stream().filter(e -> e.path("fields").path("rollout").asLong(-1) == rollout).toList();
    }

    private static long lastRollout(List<JsonNode> journal) {
        return journal.stream().filter(e -> e.path("type").asText().equals("rollout.started"))
                .mapToLong(e -> e.path("fields").path("rollout").asLong()).max().orElse(-1);
    }

    @Test
    @Order(1)
    void applyStartsTheRolesInOrderEachOnlyOnceThoseBeforeItAreHealthy() throws Exception {
        long started = System.nanoTime();
        Launched apply = apply("cluster.yaml", cluster.spec(TEST_ROLLOUT, ""));
        long wallMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(apply.process().exitValue()).as(apply.output() + cluster.logs()).isZero();

        List<JsonNode> events = ofRollout(cluster.journal(), lastRollout(cluster.journal()));
        List<String> phaseOrder = events.stream().filter(e -> e.path("type").asText().equals("rollout.phase")
                && e.path("fields").path("state").asText().equals("started")).map(e -> e.path("fields").path("phase").asText()).toList();
        assertThat(phaseOrder).containsExactly("key-manager", "publisher", "store", "traffic-manager", "gateway");

        Map<String, Long> healthyAt = new LinkedHashMap<>();
        Map<String, Long> startingAt = new LinkedHashMap<>();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("rollout.node")) {
                String node = e.path("node").asText(e.path("fields").path("node").asText());
                switch (e.path("fields").path("step").asText()) {
                    case "starting", "restarting" -> startingAt.putIfAbsent(node, e.path("index").asLong());
                    case "healthy" -> healthyAt.put(node, e.path("index").asLong());
                    default -> { }
                }
            }
        }
        assertThat(startingAt.keySet()).containsExactlyInAnyOrderElementsOf(LocalCluster.NODES.keySet());
        List<String> order = new ArrayList<>(LocalCluster.NODES.keySet());
        for (int i = 1; i < order.size(); i++) {
            for (String before : order.subList(0, i)) {
                assertThat(startingAt.get(order.get(i))).as(order.get(i) + " started after " + before + " was healthy")
                        .isGreaterThan(healthyAt.get(before));
            }
        }
        System.out.println("five-node apply: " + wallMs + " ms wall; phases: " + events.stream()
                .filter(e -> e.path("type").asText().equals("rollout.phase") && e.path("fields").has("seconds"))
                .map(e -> e.path("fields").path("phase").asText() + " " + e.path("fields").path("seconds").asText() + " s").toList());
        System.out.println(apply.output());
    }

    @Test
    @Order(2)
    void statusShowsEveryNodeHealthy() throws Exception {
        JsonNode status = Json.mapper().readTree(Launched.run(dir.resolve("logs/status.log"), "fleet", "status", "--state",
                cluster.state.toString(), "--output", "json"));
        assertThat(status).hasSize(5).allSatisfy(node -> assertThat(node.path("health").asText()).as(node.toString()).isEqualTo("healthy"));
        assertThat(status.findValuesAsText("role")).containsExactlyInAnyOrder("key-manager", "publisher", "store", "traffic-manager", "gateway");
    }

    @Test
    @Order(3)
    void eachStandInPresentsACertificateForItsOwnHostFromTheProductCa() throws Exception {
        SSLContext tls = ProductCaTrust.of(cluster.state);
        for (Map.Entry<String, String> node : LocalCluster.NODES.entrySet()) {
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(node.getValue(), 9443)) {
                var parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertThat(leaf.getSubjectX500Principal().getName()).as(node.getKey()).isEqualTo("CN=" + node.getValue());
            }
        }
    }

    @Test
    @Order(4)
    void everyStartTimeDependencyWasReachedWithItsCertificateVerified() throws Exception {
        Map<String, List<String>> needs = Map.of("pub1", List.of("key-manager"), "store1", List.of("key-manager"),
                "gw1", List.of("key-manager", "traffic-manager"));
        for (Map.Entry<String, List<String>> node : needs.entrySet()) {
            String log = Files.readString(cluster.home(node.getKey()).resolve("repository/logs/wso2carbon.log"));
            for (String role : node.getValue()) {
                assertThat(log).as(node.getKey() + " reached its " + role).containsPattern("dependency " + role + " \\S+ verified");
            }
        }
    }

    @Test
    @Order(5)
    void aSecondApplyOfTheSameSpecChangesNothingAndSaysSo() throws Exception {
        Launched apply = apply("cluster.yaml", cluster.spec(TEST_ROLLOUT, ""));
        assertThat(apply.process().exitValue()).as(apply.output()).isZero();
        assertThat(apply.output()).contains("no changes");
        List<JsonNode> events = ofRollout(cluster.journal(), lastRollout(cluster.journal()));
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("rollout.node")).map(e -> e.path("fields").path("step").asText()))
                .doesNotContain("starting", "restarting", "waiting");
        assertThat(events).noneMatch(e -> e.path("type").asText().equals("bundle.applied"));
        assertThat(events).filteredOn(e -> e.path("type").asText().equals("rollout.finished")).singleElement()
                .satisfies(e -> assertThat(e.path("fields").path("changed")).isEmpty());
    }

    @Test
    @Order(6)
    void aMalformedSpecChangesNothingAnywhere() throws Exception {
        long before = cluster.journal().size();   // entries, to skip below
        Launched apply = apply("broken.yaml", cluster.spec(TEST_ROLLOUT, "").replace("role: gateway", "role: gatewya"));
        assertThat(apply.process().exitValue()).isEqualTo(2);
        assertThat(apply.output()).contains("broken.yaml:").contains("gatewya");
        assertThat(cluster.journal().stream().skip(before).map(e -> e.path("type").asText())).doesNotContain("rollout.started");
    }

    /** Runs {@code action} once, when an event of the current journal matches {@code trigger}; follows in the background. */
    private Thread onEvent(java.util.function.Predicate<JsonNode> trigger, java.util.function.Consumer<JsonNode> action) {
        long since = cluster.journal().stream().mapToLong(e -> e.path("index").asLong()).max().orElse(0);
        Thread follower = new Thread(() -> {
            try {
                cluster.client().events(since, true, line -> {
                    try {
                        JsonNode event = Json.mapper().readTree(line);
                        if (trigger.test(event)) {
                            action.accept(event);
                            throw new IllegalStateException("done");
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (RuntimeException endOfFollow) {
                // the trigger fired, or the stream ended
            }
        }, "e2e-event-trigger");
        follower.setDaemon(true);
        follower.start();
        return follower;
    }

    private static boolean is(JsonNode event, String type, String field, String value) {
        return event.path("type").asText().equals(type) && event.path("fields").path(field).asText().equals(value);
    }

    private long standInPid(String node) throws java.io.IOException {
        return Long.parseLong(Files.readString(cluster.home(node).resolve("wso2carbon.pid")).strip());
    }

    private static void signal(String signal, long pid) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitAllHealthy() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                cluster.client().agents().stream().filter(a -> "healthy".equals(a.health())).count() == LocalCluster.NODES.size());
    }

    @Test
    @Order(7)
    void aGatewayWhoseKeyManagerIsDownFailsWithinItsDeadlineAndIsRolledBack() throws Exception {
        awaitAllHealthy();
        java.util.concurrent.atomic.AtomicLong km = new java.util.concurrent.atomic.AtomicLong(-1);
        // the key manager stops answering (SIGSTOP) once its phase and those that need it have passed
        onEvent(e -> is(e, "rollout.phase", "phase", "traffic-manager") && is(e, "rollout.phase", "state", "started"), e -> {
            try {
                km.set(standInPid("km1"));
            } catch (java.io.IOException unreadable) {
                throw new java.io.UncheckedIOException(unreadable);
            }
            signal("STOP", km.get());
            System.out.println("e2e: SIGSTOP to km1's stand-in, pid " + km.get() + ", at journal event " + e.path("index").asLong());
        });
        long started = System.nanoTime();
        Launched apply;
        try {
            apply = apply("gateway-heap.yaml", cluster.spec("{ minHealthy: 1s, healthyDeadline: 6s, probeInterval: 250ms }",
                    "").replace("default: 64m }", "default: 64m, gateway: 72m }"));
        } finally {
            if (km.get() > 0) {
                signal("CONT", km.get());
            }
        }
        long wallMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(apply.process().exitValue()).as(apply.output() + "\ngw1 log:\n" + Files.readString(cluster.home("gw1").resolve("repository/logs/wso2carbon.log")) + "\njournal:\n"
                + String.join("\n", ofRollout(cluster.journal(), lastRollout(cluster.journal())).stream().map(JsonNode::toString).toList()))
                .isEqualTo(5);
        assertThat(apply.output()).as(Files.readString(cluster.home("gw1").resolve("repository/logs/wso2carbon.log")))
                .contains("gw1: FAILED").contains("rolled back");
        List<JsonNode> events = ofRollout(cluster.journal(), lastRollout(cluster.journal()));
        JsonNode finished = events.stream().filter(e -> e.path("type").asText().equals("rollout.finished")).findFirst().orElseThrow();
        assertThat(finished.path("fields").path("state").asText()).isEqualTo("failed");
        assertThat(finished.path("fields").path("rolledBack").toString()).contains("gw1");
        JsonNode failed = events.stream().filter(e -> is(e, "rollout.node", "step", "failed")).findFirst().orElseThrow();
        assertThat(failed.path("fields").path("node").asText()).isEqualTo("gw1");
        assertThat(failed.path("fields").path("reason").asText()).contains("healthyDeadline");
        System.out.println("gateway with its key manager down: rollout failed and rolled back in " + wallMs + " ms (deadline 6 s)");
        awaitAllHealthy();
    }

    @Test
    @Order(8)
    void anAgentKilledMidRolloutEndsTheRolloutFailedNotHung() throws Exception {
        awaitAllHealthy();
        Launched pub1 = cluster.agents.get("pub1");
        onEvent(e -> is(e, "rollout.node", "node", "pub1") && is(e, "rollout.node", "step", "waiting"),
                e -> pub1.process().destroyForcibly());
        long started = System.nanoTime();
        Launched apply = apply("publisher-heap.yaml", cluster.spec(TEST_ROLLOUT, "").replace("default: 64m }", "default: 64m, publisher: 72m }"));
        long wallMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(apply.process().exitValue()).as(apply.output()).isEqualTo(5);
        assertThat(apply.output()).contains("pub1: FAILED").contains("agent was lost");
        System.out.println("agent killed mid-rollout: rollout ended failed " + wallMs + " ms after apply began (heartbeat timeout " + LocalCluster.HEARTBEAT_TIMEOUT + ")");
        cluster.startAgent("pub1");
        cluster.awaitAllConnected(Duration.ofSeconds(30));
    }

    @Test
    @Order(9)
    void anAbortedRolloutEndsAbortedAndSaysSo() throws Exception {
        awaitAllHealthy();
        onEvent(e -> is(e, "rollout.phase", "phase", "key-manager") && is(e, "rollout.phase", "state", "started"),
                e -> Launched.run(dir.resolve("logs/abort.log"), "fleet", "rollout", "abort", "--state", cluster.state.toString()));
        Launched apply = apply("store-heap.yaml", cluster.spec(TEST_ROLLOUT, "").replace("default: 64m }", "default: 64m, store: 72m }")
                .replace("minHealthy: 1s", "minHealthy: 3s"));
        assertThat(apply.process().exitValue()).as(apply.output()).isEqualTo(5);
        assertThat(apply.output()).contains("aborted");
        JsonNode status = Json.mapper().readTree(Launched.run(dir.resolve("logs/rollout-status.log"), "fleet", "rollout", "history",
                "--state", cluster.state.toString(), "--output", "json"));
        assertThat(status.get(status.size() - 1).path("state").asText()).isEqualTo("aborted");

        Launched resumed = Launched.start(dir.resolve("logs/resume.log"), "fleet", "rollout", "resume", "--state", cluster.state.toString());
        assertThat(resumed.process().waitFor(120, TimeUnit.SECONDS)).as(resumed.output()).isTrue();
        assertThat(resumed.process().exitValue()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("succeeded");
        JsonNode after = Json.mapper().readTree(Launched.run(dir.resolve("logs/rollout-history.log"), "fleet", "rollout", "history",
                "--state", cluster.state.toString(), "--output", "json"));
        assertThat(after.get(after.size() - 1).path("source").asText()).endsWith("(resumes rollout " + status.get(status.size() - 1).path("id").asLong() + ")");
    }

    @Test
    @Order(10)
    void afterAControllerRestartTheSameSpecStillChangesNothing() throws Exception {
        awaitAllHealthy();
        String spec = cluster.spec(TEST_ROLLOUT, "").replace("default: 64m }", "default: 64m, store: 72m }");
        assertThat(apply("settled.yaml", spec).process().exitValue()).isZero();
        cluster.restartController();
        awaitAllHealthy();   // the agents tell a controller that knows nothing their probes' states when they reconnect
        long started = System.nanoTime();
        Launched again = apply("settled.yaml", spec);
        assertThat(again.process().exitValue()).as(again.output()).isZero();
        assertThat(again.output()).contains("no changes");
        System.out.println("re-apply after a controller restart: " + (System.nanoTime() - started) / 1_000_000 + " ms, no changes");
    }

    @Test
    @Order(11)
    void aChangeThatRestartsARolesOnlyNodeIsRefusedWithoutYesAndChangesNothing() throws Exception {
        awaitAllHealthy();
        long before = cluster.journal().size();
        Launched apply = applyAsGiven("gateway-heavier.yaml", cluster.spec(TEST_ROLLOUT, "").replace("default: 64m }", "default: 64m, store: 72m, gateway: 80m }"));
        assertThat(apply.process().exitValue()).as(apply.output()).isEqualTo(5);
        assertThat(apply.output()).contains("gateway has one node (gw1): it is unavailable while it restarts").contains("nothing was changed")
                .contains("--yes");
        assertThat(cluster.journal().stream().skip(before).map(e -> e.path("type").asText())).doesNotContain("rollout.started", "bundle.applied");
    }

    @Test
    @Order(12)
    void aPausedRolloutHoldsBetweenBatchesUntilResumed() throws Exception {
        awaitAllHealthy();
        java.util.concurrent.atomic.AtomicReference<String> statusWhilePaused = new java.util.concurrent.atomic.AtomicReference<>("");
        onEvent(e -> is(e, "rollout.phase", "phase", "key-manager") && is(e, "rollout.phase", "state", "started"),
                e -> Launched.run(dir.resolve("logs/pause.log"), "fleet", "rollout", "pause", "--state", cluster.state.toString()));
        onEvent(e -> e.path("type").asText().equals("rollout.paused"), e -> {
            statusWhilePaused.set(Launched.run(dir.resolve("logs/status-paused.log"), "fleet", "rollout", "status", "--state", cluster.state.toString()));
            Launched.run(dir.resolve("logs/resume-paused.log"), "fleet", "rollout", "resume", "--detach", "--state", cluster.state.toString());
        });
        Launched apply = apply("heavier.yaml", cluster.spec(TEST_ROLLOUT, "").replace("default: 64m }", "default: 72m }"));

        assertThat(apply.process().exitValue()).as(apply.output()).isZero();
        assertThat(statusWhilePaused.get()).contains(": paused");
        List<String> types = ofRollout(cluster.journal(), lastRollout(cluster.journal())).stream().map(e -> e.path("type").asText()).toList();
        assertThat(types).containsSubsequence("rollout.paused", "rollout.resumed", "rollout.finished");
        assertThat(apply.output()).contains("paused before").contains("resumed with");
    }

    /** Every file the bundles manage, per node: path to content hash (logs and pid files are the product's, not ours). */
    private Map<String, Map<String, String>> managedFiles() throws java.io.IOException {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (String node : LocalCluster.NODES.keySet()) {
            Path home = cluster.home(node);
            Map<String, String> files = new java.util.TreeMap<>();
            for (String tree : List.of("repository/conf", "repository/resources/security", "repository/deployment", "repository/components/lib", "bin")) {
                Path root = home.resolve(tree);
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (var walk = Files.walk(root)) {
                    for (Path file : walk.filter(Files::isRegularFile).toList()) {
                        files.put(home.relativize(file).toString(), io.apimfleet.protocol.ContentHash.of(Files.readAllBytes(file)));
                    }
                }
            }
            all.put(node, files);
        }
        return all;
    }

    @Test
    @Order(13)
    void undoReturnsEveryNodeToByteIdenticalFilesOfThePreviousRevision() throws Exception {
        awaitAllHealthy();
        String previous = cluster.spec(TEST_ROLLOUT, "").replace("default: 64m }", "default: 72m }");
        assertThat(apply("before-jwt.yaml", previous).process().exitValue()).isZero();
        Map<String, Map<String, String>> before = managedFiles();
        Launched jwt = apply("jwt.yaml", previous + "options: { jwt: true }\n");
        assertThat(jwt.process().exitValue()).as(jwt.output()).isZero();
        assertThat(managedFiles()).as("the change must change files, or this test proves nothing").isNotEqualTo(before);

        long started = System.nanoTime();
        Launched undo = Launched.start(dir.resolve("logs/undo.log"), "fleet", "rollout", "undo", "--state", cluster.state.toString());
        assertThat(undo.process().waitFor(120, TimeUnit.SECONDS)).as(undo.output()).isTrue();
        long wallMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(undo.process().exitValue()).as(undo.output()).isZero();
        assertThat(managedFiles()).isEqualTo(before);
        JsonNode history = Json.mapper().readTree(Launched.run(dir.resolve("logs/undo-history.log"), "fleet", "rollout", "history",
                "--state", cluster.state.toString(), "--output", "json"));
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.path("undoes").asLong()).isEqualTo(history.get(history.size() - 2).path("id").asLong());
        assertThat(last.path("state").asText()).isEqualTo("succeeded");
        awaitAllHealthy();
        System.out.println("fleet rollout undo of options.jwt: " + wallMs + " ms, nodes " + last.path("changed") + " back to byte-identical files");
        System.out.println(undo.output());

        Launched again = Launched.start(dir.resolve("logs/undo-again.log"), "fleet", "rollout", "undo", "--state", cluster.state.toString());
        assertThat(again.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.process().exitValue()).isEqualTo(5);
        assertThat(again.output()).contains("already undid rollout");
    }
}
