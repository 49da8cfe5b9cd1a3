package io.apimfleet.e2e;

import io.apimfleet.protocol.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;

/**
 * Steady requests to a load balancer's endpoints ({@code /standin/identity}), one thread per endpoint,
 * one request every 10 ms at most: about 100 per second per endpoint, so a backend down for more than
 * a few milliseconds is seen, and the machine's two cores are left to the rollout rather than to TLS
 * for as many requests as they can carry (at 5 ms the load took a tenth of the suite's time). Bounded: 180 s and 50,000 requests per endpoint.
 */
final class EndpointLoad {
    private static final long SPACING_NANOS = Duration.ofMillis(10).toNanos();
    private static final Duration LONGEST = Duration.ofSeconds(180);
    private static final int MOST_REQUESTS = 50_000;

    final AtomicInteger sent = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    /** The stand-in hosts that answered. */
    final Set<String> answeredBy = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private EndpointLoad() {
    }

    /** Starts counting at once. */
    static EndpointLoad start(HttpClient client, String host, int... ports) {
        return start(client, host, false, ports);
    }

    /** Starts counting on each endpoint once it first answers (for endpoints the rollout itself brings up). */
    static EndpointLoad startOnceAnswering(HttpClient client, String host, int... ports) {
        return start(client, host, true, ports);
    }

    private static EndpointLoad start(HttpClient client, String host, boolean awaitFirstAnswer, int... ports) {
        EndpointLoad load = new EndpointLoad();
        for (int port : ports) {
            HttpRequest request = identity(host, port);
            Thread thread = new Thread(() -> {
                if (awaitFirstAnswer) {
                    load.awaitAnswer(client, request);
                }
                load.send(client, request, port);
            }, "e2e-load-" + port);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    static HttpRequest identity(String host, int port) {
        return HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + "/standin/identity")).timeout(Duration.ofSeconds(5)).build();
    }

    /** Polls the endpoint (bounded: every 100 ms for at most 60 s) until each of {@code hosts} has answered through it. */
    static void awaitAnsweredBy(HttpClient client, String host, int port, String... hosts) {
        HttpRequest identity = identity(host, port);
        Set<String> answeredBy = new java.util.HashSet<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            HttpResponse<String> response = client.send(identity, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                answeredBy.add(Json.mapper().readTree(response.body()).path("host").asText());
            }
            return answeredBy.containsAll(List.of(hosts));
        });
    }

    private void awaitAnswer(HttpClient client, HttpRequest request) {
        await().atMost(LONGEST).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> !running.get() || client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private void send(HttpClient client, HttpRequest request, int port) {
        long end = System.nanoTime() + LONGEST.toNanos();
        long next = System.nanoTime();
        for (int i = 0; i < MOST_REQUESTS && running.get() && System.nanoTime() < end; i++) {
            next += SPACING_NANOS;
            sent.incrementAndGet();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    answeredBy.add(Json.mapper().readTree(response.body()).path("host").asText());
                } else {
                    failures.add(port + ": HTTP " + response.statusCode());
                }
            } catch (Exception e) {
                failures.add(port + ": " + e);
            }
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    /** {@code N requests sent, M failed} and the first five failures. */
    String summary() {
        return sent.get() + " requests sent, " + failures.size() + " failed"
                + (failures.isEmpty() ? "" : " " + failures.subList(0, Math.min(5, failures.size())));
    }
}
