package io.apimfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.protocol.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A running five-node cluster gains a second key manager and a second publisher behind HAProxy:
 * {@code fleet plan} shows the new nodes starting, the load balancer starting, and every peer
 * whose URLs move from the single node to the endpoint restarting; {@code fleet apply} starts the
 * new twins before their running twins are drained, so requests through the endpoints, from the
 * moment the load balancer answers, all succeed.
 */
class AddingTwinsTest {
    private static final String BALANCER = "127.0.0.50";

    @TempDir
    Path dir;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String spec(boolean doubled) {
        StringBuilder yaml = new StringBuilder(LocalCluster.specHead("twins")).append("jvm: { heap: { default: 64m } }\nnodes:\n");
        yaml.append(cluster.nodeLines(node -> doubled || List.of("km1", "pub1", "store1", "tm1", "gw1").contains(node)));
        if (doubled) {
            yaml.append("""
                    loadBalancer:
                      node: lb1
                      endpoints:
                        key-manager: { host: %s, port: 9443 }
                        publisher: { host: %s, port: 9444 }
                    """.formatted(BALANCER, BALANCER));
        }
        return yaml.append("rollout: { minHealthy: 1s, healthyDeadline: 30s, probeInterval: 250ms }\n").toString();
    }

    @Test
    void addingAKeyManagerAndAPublisherPlansTheMovesAndRollsThemOutWithoutAFailedRequest() throws Exception {
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/apim-standin"))).as("built distribution at " + Launched.DIST).isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/sbin/haproxy")) || Files.isExecutable(Path.of("/usr/bin/haproxy")))
                .as("SKIPPED: haproxy is not installed (apt-get install -y haproxy; .ci/run does it)").isTrue();
        String[][] nodes = {{"km1", "127.0.0.51", "key-manager"}, {"km2", "127.0.0.52", "key-manager"}, {"pub1", "127.0.0.53", "publisher"},
                {"pub2", "127.0.0.54", "publisher"}, {"store1", "127.0.0.55", "store"}, {"tm1", "127.0.0.56", "traffic-manager"},
                {"gw1", "127.0.0.57", "gateway"}, {"lb1", BALANCER, LocalCluster.LOAD_BALANCER}};
        cluster = new LocalCluster(dir, "0.5s", nodes);
        Launched five = apply("five.yaml", spec(false));
        assertThat(five.process().exitValue()).as(five.output() + cluster.logs()).isZero();

        Path seven = cluster.writeSpec("seven.yaml", spec(true));
        JsonNode plan = Json.mapper().readTree(Launched.run(dir.resolve("logs/plan.log"), "fleet", "plan", "-f", seven.toString(),
                "--state", cluster.state.toString(), "--output", "json"));
        Map<String, String> actions = new TreeMap<>();
        plan.path("nodes").forEach(n -> actions.put(n.path("node").asText(), n.path("action").asText()));
        System.out.println("fleet plan after adding km2, pub2 and lb1: " + actions + "; phases " + plan.path("phases"));
        assertThat(actions).containsEntry("km2", "start").containsEntry("pub2", "start").containsEntry("lb1", "start")
                .containsEntry("km1", "restart").containsEntry("pub1", "restart")     // now presented under their endpoints
                .containsEntry("store1", "restart").containsEntry("gw1", "restart")  // their key manager is the endpoint now
                .containsEntry("tm1", "restart")                                    // its trust store gains the new nodes' certificates
                .hasSize(8);
        assertThat(plan.path("phases").get(0).path("name").asText()).isEqualTo("load-balancer");
        for (JsonNode n : plan.path("nodes")) {
            if (List.of("store1", "gw1").contains(n.path("node").asText())) {
                assertThat(n.path("diff").asText()).as(n.path("node").asText() + " moves to the key-manager endpoint")
                        .contains("+").contains(BALANCER + ":9443").contains("127.0.0.51:9443");
            }
        }

        HttpClient client = HttpClient.newBuilder().sslContext(ProductCaTrust.of(cluster.state)).build();
        EndpointLoad load = EndpointLoad.startOnceAnswering(client, BALANCER, 9443, 9444);
        long started = System.nanoTime();
        Launched apply = apply("seven.yaml", spec(true));
        long applyMs = (System.nanoTime() - started) / 1_000_000;
        load.stop();
        assertThat(apply.process().exitValue()).as(apply.output() + cluster.logs()).isZero();
        assertThat(apply.output()).containsSubsequence("km2: healthy", "km1: draining").containsSubsequence("pub2: healthy", "pub1: draining");
        System.out.println("adding km2 and pub2 behind HAProxy, from the endpoints' first answer: " + load.summary()
                + "; answered by " + new java.util.TreeSet<>(load.answeredBy) + "; apply " + applyMs + " ms");
        assertThat(load.failures).as("requests through the endpoints that failed while the twins were added").isEmpty();
        assertThat(load.sent.get()).as("the endpoints answered during the apply").isPositive();
    }

    private Launched apply(String name, String yaml) throws InterruptedException {
        return cluster.apply(name, yaml, "--yes");
    }
}
