package io.apimfleet.e2e;

import io.apimfleet.protocol.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Two key managers behind a real HAProxy that the fleet configures and runs: the load balancer's
 * phase comes first, the endpoint presents a product-CA certificate for its name, and requests
 * through it reach both key managers over verified TLS.
 */
class LoadBalancedKeyManagersTest {
    @TempDir
    Path dir;
    LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static boolean haproxyInstalled() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) || Files.isExecutable(Path.of("/usr/bin/haproxy"));
    }

    @Test
    void theLoadBalancerComesUpFirstSpreadsVerifiedTrafficAndKeyManagersRollThroughItWithoutAFailedRequest() throws Exception {
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/apim-standin"))).as("built distribution at " + Launched.DIST).isTrue();
        assumeThat(haproxyInstalled()).as("SKIPPED: haproxy is not installed (apt-get install -y haproxy; .ci/run does it)").isTrue();
        Map<String, String> hosts = new LinkedHashMap<>();
        hosts.put("km1", "127.0.0.21");
        hosts.put("km2", "127.0.0.22");
        hosts.put("lb1", "127.0.0.20");
        Map<String, String> roles = Map.of("km1", "key-manager", "km2", "key-manager", "lb1", LocalCluster.LOAD_BALANCER);
        cluster = new LocalCluster(dir, "0.5s", hosts, roles);
        String spec = """
                apiVersion: apim-fleet/v1
                cluster: lbtest
                admin: { username: admin, password: "${secret:admin-password}" }
                jvm: { heap: { default: 64m } }
                nodes:
                  - { name: km1, role: key-manager, host: 127.0.0.21 }
                  - { name: km2, role: key-manager, host: 127.0.0.22 }
                  - { name: lb1, role: load-balancer, host: 127.0.0.20, home: "%s" }
                loadBalancer: { node: lb1, kind: haproxy, endpoints: { key-manager: { host: 127.0.0.20, port: 9443 } } }
                rollout: { minHealthy: 1s, healthyDeadline: 30s, probeInterval: 250ms }
                """.formatted(cluster.home("lb1"));
        Path file = cluster.writeSpec("lb.yaml", spec);
        Launched apply = Launched.start(dir.resolve("logs/apply.log"), "fleet", "apply", "-f", file.toString(),
                "--state", cluster.state.toString(), "--secrets", cluster.secretsFile().toString());
        assertThat(apply.process().waitFor(120, TimeUnit.SECONDS)).as("fleet apply finished within 120 s").isTrue();
        assertThat(apply.process().exitValue()).as(apply.output() + cluster.logs()).isZero();
        assertThat(apply.output()).containsSubsequence("phase load-balancer: started", "lb1: healthy", "phase key-manager: started");

        HttpClient client = HttpClient.newBuilder().sslContext(ProductCaTrust.of(cluster.state)).build();
        HttpRequest identity = HttpRequest.newBuilder(URI.create("https://127.0.0.20:9443/standin/identity")).timeout(Duration.ofSeconds(5)).build();
        // HAProxy marks a backend up after two passing health checks (2 s apart): the key managers started after it.
        // Bounded: one request per 100 ms for at most 30 s.
        long waited = System.nanoTime();
        Set<String> answeredBy = new HashSet<>();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            sent.incrementAndGet();
            HttpResponse<String> response = client.send(identity, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                answeredBy.add(Json.mapper().readTree(response.body()).path("host").asText());
            }
            return answeredBy.size() == 2;
        });
        long bothAfterMs = (System.nanoTime() - waited) / 1_000_000;
        assertThat(answeredBy).as("both key managers answered through the load balancer").containsExactlyInAnyOrder("127.0.0.21", "127.0.0.22");

        Launched again = Launched.start(dir.resolve("logs/apply-again.log"), "fleet", "apply", "-f", file.toString(),
                "--state", cluster.state.toString());
        assertThat(again.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.process().exitValue()).as(again.output()).isZero();
        assertThat(again.output()).contains("no changes");
        // A change that restarts both key managers, rolled one at a time through drain and back, under steady traffic.
        Path heavier = cluster.writeSpec("lb-heap.yaml", spec.replace("default: 64m }", "default: 64m, key-manager: 72m }"));
        java.util.concurrent.atomic.AtomicBoolean rolling = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();   // bounded: 120 s and 20,000 requests at most
            while (rolling.get() && System.nanoTime() < end && requests.get() < 20_000) {
                requests.incrementAndGet();
                try {
                    HttpResponse<String> response = client.send(identity, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        failures.add("HTTP " + response.statusCode());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        }, "e2e-load");
        load.start();
        long rollStarted = System.nanoTime();
        Launched roll = Launched.start(dir.resolve("logs/apply-heap.log"), "fleet", "apply", "-f", heavier.toString(),
                "--state", cluster.state.toString());
        boolean finished = roll.process().waitFor(180, TimeUnit.SECONDS);
        long rollMs = (System.nanoTime() - rollStarted) / 1_000_000;
        rolling.set(false);
        load.join(10_000);
        assertThat(finished).as("the rolling apply finished within 180 s").isTrue();
        assertThat(roll.process().exitValue()).as(roll.output() + cluster.logs()).isZero();
        assertThat(roll.output()).contains("km1: draining").contains("km2: draining").contains("in-service");
        System.out.println("HAProxy rolling restart of 2 key managers: " + requests.get() + " requests sent, " + failures.size()
                + " failed" + (failures.isEmpty() ? "" : " " + failures.subList(0, Math.min(5, failures.size()))) + ", rollout " + rollMs + " ms");
        assertThat(failures).as("requests that failed while the key managers rolled").isEmpty();

        System.out.println("load-balanced key managers: both answered through HAProxy " + bothAfterMs + " ms after the rollout ended ("
                + sent.get() + " requests); "
                + apply.output().lines().filter(l -> l.contains("phase")).toList());
    }
}
