package io.apimfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.rollout.RolloutRecord;
import io.apimfleet.e2e.ClusteredControllers.Member;
import io.apimfleet.protocol.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A seven-node cluster (key managers and publishers doubled) behind a real HAProxy or nginx that
 * the fleet configures, under steady traffic to the key-manager and publisher endpoints, while:
 * a spec change rolls through key managers and the gateway; a change that makes a key manager
 * fail is rolled back and halts the rollout; and the controller is lost mid-rollout, with a key
 * manager in flight. Behind HAProxy three clustered controllers manage the cluster and the leader
 * is SIGKILLed (issue 9's failover): another leads, takes the rollout over from the journal and
 * finishes it, and every agent the leader held links to another controller; the time from the
 * loss to the new leader acting, until every agent reattached, and the failed requests are
 * printed. Behind nginx one controller is SIGKILLed and restarted: it reports the rollout
 * aborted, with every node on one revision or the other, and resumes it. Requests sent and
 * failed are printed for each step; HAProxy must lose none.
 */
class RollingReconfigurationTest {
    private static final String BALANCER_HOST = "127.0.0.40";
    private static final int KM_PORT = 9443;
    private static final int PUB_PORT = 9444;
    /** Behind HAProxy: three clustered controllers. */
    private static final List<String> CONTROLLERS = List.of("127.0.0.76", "127.0.0.77", "127.0.0.78");
    private static final Duration TAKEOVER_DEADLINE = Duration.ofSeconds(180);
    private static final String LINKED = "link: connected to ";

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
        boolean clustered = kind.equals("haproxy");
        cluster = clustered ? LocalCluster.clustered(dir, "0.5s", nodes, CONTROLLERS) : new LocalCluster(dir, "0.5s", nodes);
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

        // 3. The controller (clustered: the leader) dies of SIGKILL while km1 restarts for a heavier heap.
        EndpointLoad crash = EndpointLoad.start(client, BALANCER_HOST, KM_PORT, PUB_PORT);
        Path heavier = cluster.writeSpec("heavier.yaml", spec(kind, jvm("default: 64m, key-manager: 72m") + "options: { jwt: true }\n"));
        if (clustered) {
            leaderKilledMidRolloutAnotherFinishesIt(heavier, crash);
        } else {
            controllerKilledMidRolloutResumesItAfterItsRestart(heavier, crash);
        }
        System.out.println(kind + " " + (clustered ? "leader" : "controller") + " killed mid-rollout: " + crash.summary());
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, KM_PORT, "127.0.0.41", "127.0.0.42");

        if (kind.equals("haproxy")) {
            assertThat(jwt.failures).as("requests that failed while options.jwt rolled").isEmpty();
            assertThat(failing.failures).as("requests that failed while a key manager failed and was rolled back").isEmpty();
            assertThat(crash.failures).as("requests that failed around the leader's loss").isEmpty();
        } else {   // nginx reloads close idle keep-alive connections: a client may see a few; never more than 1 % of requests
            for (EndpointLoad traffic : List.of(jwt, failing, crash)) {
                assertThat(traffic.failures.size()).as(traffic.failures.toString()).isLessThanOrEqualTo(traffic.sent.get() / 100);
            }
        }
    }

    /** A lone controller killed with km1 in flight: restarted, it reports the rollout aborted, every node on one revision, and resumes it. */
    private void controllerKilledMidRolloutResumesItAfterItsRestart(Path spec, EndpointLoad load) throws Exception {
        long started = System.nanoTime();
        long before = lastRollout().path("id").asLong();
        Launched interrupted = applyUntilKm1IsInFlight(spec);
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
        load.stop();
        assertThat(resumed.process().exitValue()).as(resumed.output() + cluster.logs()).isZero();
        System.out.println("controller killed mid-rollout, restarted, rollout resumed in " + millisSince(started) + " ms");
    }

    /**
     * The leader killed with km1 in flight: every agent it held links to another controller,
     * another leads, journals rollout.takeover and finishes the rollout, every node on its revision.
     */
    private void leaderKilledMidRolloutAnotherFinishesIt(Path spec, EndpointLoad load) throws Exception {
        Member leader = cluster.leader();
        long epoch = leader.view().epoch();
        long interruptedId = lastRollout().path("id").asLong() + 1;
        applyUntilKm1IsInFlight(spec);
        List<String> linkedToLeader = linkedTo(leader.ip());
        assertThat(linkedToLeader).as("agents joined through the leader are linked to it").isNotEmpty();
        Map<String, Integer> linksBefore = new TreeMap<>();
        cluster.agents.forEach((node, agent) -> linksBefore.put(node, links(agent)));

        Instant killedAt = Instant.now();
        long killed = System.nanoTime();
        leader.process().process().destroyForcibly();
        assertThat(leader.process().process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> linkedToLeader.stream().allMatch(node -> links(cluster.agents.get(node)) > linksBefore.get(node)));
        long reattachedMs = millisSince(killed);
        Member next = ClusteredControllers.awaitLeader(cluster.controllers.stream().filter(Member::alive).toList(), epoch);
        System.out.printf("[failover] leader %s SIGKILLed (epoch %d) with km1 in flight of rollout %d: the %d agents it held linked to"
                        + " another controller %d ms later; %s leads (epoch %d) %d ms after the loss%n", leader.ip(), epoch, interruptedId,
                linkedToLeader.size(), reattachedMs, next.ip(), next.view().epoch(), millisSince(killed));

        RolloutRecord finished = await().atMost(TAKEOVER_DEADLINE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> newest(next), r -> r.isPresent() && r.get().id() > interruptedId && !r.get().running()).orElseThrow();
        long finishedMs = millisSince(killed);
        load.stop();
        List<JsonNode> story = journalSince(next, killedAt);
        Optional<JsonNode> takeover = story.stream().filter(e -> "rollout.takeover".equals(e.path("type").asText())).findFirst();
        System.out.printf("[failover] leader lost -> new leader acting (its rollout.takeover): %s; every agent reattached: %d ms;"
                        + " rollout %d (taking over %d) %s %d ms after the loss; failed requests through HAProxy: %d of %d%n",
                takeover.map(e -> Duration.between(killedAt, Instant.parse(e.path("time").asText())).toMillis() + " ms").orElse("never"),
                reattachedMs, finished.id(), interruptedId, finished.state(), finishedMs, load.failures.size(), load.sent.get());

        assertThat(finished.state()).as(finished + "\n" + story + cluster.logs()).isEqualTo(RolloutRecord.SUCCEEDED);
        assertThat(takeover).as("the new leader's journal tells the takeover: " + story).isPresent();
        assertThat(takeover.get().path("fields").path("rollout").asLong()).isEqualTo(interruptedId);
        // The new leader shows at once the revision of the nodes it applied itself; of those the lost
        // leader applied, it knows the revision from their heartbeats (every 5 s), so it may lag by one.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(cluster.client().agents()).as("every node on the revision of the rollout that finished, none left between two")
                        .allSatisfy(agent -> assertThat(agent.bundleRevision()).as(agent.node()).isEqualTo(finished.id())));
    }

    /** {@code fleet apply} of {@code spec} in the background, returned once km1 waits for its probes (it restarted). */
    private Launched applyUntilKm1IsInFlight(Path spec) {
        Launched apply = Launched.start(dir.resolve("logs/apply-" + spec.getFileName() + ".log"), "fleet", "apply", "-f", spec.toString(), "--yes",
                "--state", cluster.state.toString(), "--controller", cluster.api().toString());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> apply.output().contains("km1: waiting") || !apply.process().isAlive());
        assertThat(apply.process().isAlive()).as(apply.output()).isTrue();
        return apply;
    }

    /** The nodes whose agent's newest link is to the controller on {@code ip}. */
    private List<String> linkedTo(String ip) {
        List<String> nodes = new ArrayList<>();
        cluster.agents.forEach((node, agent) -> {
            String output = agent.output();
            int last = output.lastIndexOf(LINKED);
            if (last >= 0 && output.startsWith(ip + ":", last + LINKED.length())) {
                nodes.add(node);
            }
        });
        return nodes;
    }

    /** How many times the agent has been linked to a controller. */
    private static int links(Launched agent) {
        String output = agent.output();
        int count = 0;
        for (int at = output.indexOf(LINKED); at >= 0; at = output.indexOf(LINKED, at + 1)) {
            count++;
        }
        return count;
    }

    private static Optional<RolloutRecord> newest(Member controller) {
        return controller.client().rollouts().stream().max(Comparator.comparingLong(RolloutRecord::id));
    }

    /** The events {@code controller} recorded from {@code since} on, in order. */
    private static List<JsonNode> journalSince(Member controller, Instant since) {
        List<JsonNode> events = new ArrayList<>();
        controller.client().events(0, false, line -> {
            try {
                JsonNode event = Json.mapper().readTree(line);
                if (event.hasNonNull("time") && !Instant.parse(event.path("time").asText()).isBefore(since)) {
                    events.add(event);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return events;
    }

    private Launched apply(String name, String yaml) throws InterruptedException {
        return cluster.apply(name, yaml, "--yes");
    }

    private JsonNode lastRollout() throws Exception {
        JsonNode history = Json.mapper().readTree(Launched.run(dir.resolve("logs/history-" + System.nanoTime() + ".log"), "fleet", "rollout",
                "history", "--state", cluster.state.toString(), "--controller", cluster.api().toString(), "--output", "json"));
        return history.get(history.size() - 1);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
