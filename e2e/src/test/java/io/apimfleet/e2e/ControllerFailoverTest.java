package io.apimfleet.e2e;

import static io.apimfleet.e2e.ClusteredControllers.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.rollout.RolloutRecord;
import io.apimfleet.e2e.ClusteredControllers.Member;
import io.apimfleet.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's failover, end to end: three clustered controllers (127.0.0.76–78) manage the
 * seven-node cluster of the e2e suite (key managers and publishers doubled) behind a real HAProxy
 * that the fleet configures, under steady traffic to the key-manager and publisher endpoints. The
 * leader is killed (SIGKILL) while a key manager is in flight in a rolling reconfiguration; another
 * controller must lead, take the rollout over from the journal and finish it, every agent must be
 * linked again, and no request through the load balancer may fail. Prints the time from the
 * leader's loss to the new leader acting, until every agent reattached, and the failed requests.
 */
class ControllerFailoverTest {
    private static final List<String> CONTROLLERS = List.of("127.0.0.76", "127.0.0.77", "127.0.0.78");
    private static final String BALANCER_HOST = "127.0.0.90";
    private static final int KM_PORT = 9443;
    private static final int PUB_PORT = 9444;
    private static final String[][] NODES = {{"km1", "127.0.0.91", "key-manager"}, {"km2", "127.0.0.92", "key-manager"},
            {"pub1", "127.0.0.93", "publisher"}, {"pub2", "127.0.0.94", "publisher"}, {"store1", "127.0.0.95", "store"},
            {"tm1", "127.0.0.96", "traffic-manager"}, {"gw1", "127.0.0.97", "gateway"}, {"lb1", BALANCER_HOST, LocalCluster.LOAD_BALANCER}};
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

    private String spec(String extra) {
        return LocalCluster.specHead("failover") + "nodes:\n" + cluster.nodeLines(node -> true) + """
                loadBalancer:
                  node: lb1
                  kind: haproxy
                  endpoints:
                    key-manager: { host: %s, port: %d }
                    publisher: { host: %s, port: %d }
                rollout: { minHealthy: 1s, healthyDeadline: 20s, probeInterval: 250ms }
                jvm: { heap: { default: 64m } }
                """.formatted(BALANCER_HOST, KM_PORT, BALANCER_HOST, PUB_PORT) + extra;
    }

    @Test
    void aNewLeaderFinishesTheRolloutOfAKilledLeaderAndNoRequestThroughTheLoadBalancerFails() throws Exception {
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/apim-standin"))).as("built distribution at " + Launched.DIST).isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/sbin/haproxy"))).as("SKIPPED: haproxy is not installed (apt-get install -y haproxy; .ci/run does it)").isTrue();
        cluster = LocalCluster.clustered(dir, "0.5s", NODES, CONTROLLERS);
        Launched first = cluster.apply("first.yaml", spec(""), "--yes");
        assertThat(first.process().exitValue()).as(first.output() + cluster.logs()).isZero();
        HttpClient client = HttpClient.newBuilder().sslContext(ProductCaTrust.of(cluster.state)).build();
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, KM_PORT, "127.0.0.91", "127.0.0.92");
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, PUB_PORT, "127.0.0.93", "127.0.0.94");

        Member leader = cluster.leader();
        long epoch = leader.view().epoch();
        long interruptedId = leader.client().rollouts().stream().mapToLong(RolloutRecord::id).max().orElse(0) + 1;
        EndpointLoad load = EndpointLoad.start(client, BALANCER_HOST, KM_PORT, PUB_PORT);
        Path jwt = cluster.writeSpec("jwt.yaml", spec("options: { jwt: true }\n"));
        Launched interrupted = Launched.start(dir.resolve("logs/apply-jwt.log"), "fleet", "apply", "-f", jwt.toString(), "--yes",
                "--state", cluster.state.toString(), "--controller", leader.api().toString());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> interrupted.output().contains("km1: waiting") || !interrupted.process().isAlive());
        assertThat(interrupted.process().isAlive()).as(interrupted.output()).isTrue();

        List<String> linkedToLeader = linkedTo(leader.ip());
        assertThat(linkedToLeader).as("agents joined through the leader are linked to it").isNotEmpty();
        Map<String, Integer> linksBefore = new TreeMap<>();
        cluster.agents.forEach((node, agent) -> linksBefore.put(node, links(agent)));
        Instant killedAt = Instant.now();
        long killed = System.nanoTime();
        leader.process().process().destroyForcibly();   // SIGKILL while km1 is in flight
        assertThat(leader.process().process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> linkedToLeader.stream().allMatch(node -> links(cluster.agents.get(node)) > linksBefore.get(node)));
        long reattachedMs = millisSince(killed);
        System.out.printf("[failover] the %d agents linked to the leader %s (%s) were linked to another controller %d ms after its SIGKILL%n",
                linkedToLeader.size(), leader.ip(), String.join(", ", linkedToLeader), reattachedMs);
        List<Member> survivors = cluster.controllers.stream().filter(Member::alive).toList();
        Member next = ClusteredControllers.awaitLeader(survivors, epoch);
        long newLeaderMs = millisSince(killed);
        long newEpoch = next.view().epoch();
        System.out.printf("[failover] leader %s SIGKILLed (epoch %d) with km1 in flight of rollout %d: %s leads (epoch %d) %d ms later%n",
                leader.ip(), epoch, interruptedId, next.ip(), newEpoch, newLeaderMs);

        RolloutRecord finished = await().atMost(TAKEOVER_DEADLINE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> newest(next), r -> r.isPresent() && r.get().id() >= interruptedId && !r.get().running()).orElseThrow();
        long finishedMs = millisSince(killed);
        load.stop();
        List<JsonNode> story = journalSince(next, killedAt);
        Optional<JsonNode> takeover = story.stream().filter(e -> "rollout.takeover".equals(e.path("type").asText())).findFirst();
        String actingAfter = takeover.map(e -> Duration.between(killedAt, Instant.parse(e.path("time").asText())).toMillis() + " ms").orElse("never");
        System.out.printf("[failover] leader lost -> new leader acting (its rollout.takeover): %s; every agent reattached: %d ms;"
                        + " rollout %d (taking over %d) %s %d ms after the loss; failed requests through HAProxy: %d of %d%n",
                actingAfter, reattachedMs, finished.id(), interruptedId, finished.state(), finishedMs, load.failures.size(), load.sent.get());

        assertThat(finished.state()).as(finished + "\n" + story + cluster.logs()).isEqualTo(RolloutRecord.SUCCEEDED);
        assertThat(load.failures).as("requests that failed through HAProxy around the leader's loss").isEmpty();
        assertThat(takeover).as("the new leader's journal tells the takeover: " + story).isPresent();
        assertThat(takeover.get().path("fields").path("rollout").asLong()).isEqualTo(interruptedId);
        assertThat(cluster.client().agents()).as("every node on the revision of the rollout that finished, none left between two")
                .allSatisfy(agent -> assertThat(agent.bundleRevision()).as(agent.node()).isEqualTo(finished.id()));
        EndpointLoad.awaitAnsweredBy(client, BALANCER_HOST, KM_PORT, "127.0.0.91", "127.0.0.92");
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
}
