package io.apimfleet.agent.probe;

import io.apimfleet.agent.testing.TestCa;
import io.apimfleet.protocol.bundle.Probe;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real probes against real listeners on 127.0.0.1. */
class ProbeRunnerTest {
    @TempDir
    Path dir;
    Vertx vertx;
    final Map<String, ProbeVerdicts.State> changes = new ConcurrentHashMap<>();
    final List<ProbeRunner> runners = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.runOnContext(v -> runners.forEach(ProbeRunner::stop));
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Probe probe(String name, Probe.Kind kind, String host, int port, String path) {
        return new Probe(name, kind, host, port, path, Duration.ofMillis(200), Duration.ofSeconds(2), 1, 2, Duration.ZERO);
    }

    private ProbeRunner runner(io.vertx.core.net.TrustOptions trust) {
        ProbeRunner runner = new ProbeRunner(vertx, Clock.systemUTC(), trust, (probe, state) -> changes.put(probe.name(), state));
        runners.add(runner);
        return runner;
    }

    private void onLoop(Runnable action) {
        vertx.runOnContext(v -> action.run());
    }

    @Test
    void aTcpProbePassesWhileTheListenerAcceptsAndFailsOnceItIsGone() throws Exception {
        NetServer server = vertx.createNetServer().connectHandler(s -> s.close());
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        ProbeRunner runner = runner(null);
        onLoop(() -> runner.run(List.of(probe("tcp", Probe.Kind.TCP, "127.0.0.1", port, null)), Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.get("tcp") == ProbeVerdicts.State.PASSING);
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.get("tcp") == ProbeVerdicts.State.FAILING);
    }

    @Test
    void anHttpProbeStaysStartingOn503AndPassesOn200() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response()
                .setStatusCode(calls.incrementAndGet() < 3 ? 503 : 200).end("ok"));
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        ProbeRunner runner = runner(null);
        Probe console = new Probe("console", Probe.Kind.HTTP, "127.0.0.1", port, "/carbon/admin/login.jsp",
                Duration.ofMillis(200), Duration.ofSeconds(2), 1, 2, Duration.ofMinutes(5));
        onLoop(() -> runner.run(List.of(console), Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.get("console") == ProbeVerdicts.State.PASSING);
        assertThat(calls.get()).isGreaterThanOrEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> "healthy".equals(runner.health()));
    }

    @Test
    void anAttemptSlowerThanTheIntervalIsNotOverlappedByTheNextOne() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().requestHandler(r -> {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            vertx.setTimer(400, id -> {
                inFlight.decrementAndGet();
                answered.incrementAndGet();
                r.response().end("ok");
            });
        });
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        ProbeRunner runner = runner(null);
        Probe slow = new Probe("console", Probe.Kind.HTTP, "127.0.0.1", port, "/", Duration.ofMillis(100), Duration.ofSeconds(2), 1, 2, Duration.ZERO);

        onLoop(() -> runner.run(List.of(slow), Instant.now()));

        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() >= 4);
        assertThat(mostAtOnce.get()).isEqualTo(1);
        assertThat(changes.get("console")).isEqualTo(ProbeVerdicts.State.PASSING);
    }

    @Test
    void anHttpsProbePassesForTheNameInTheCertificateAndFailsForAnother() throws Exception {
        TestCa ca = TestCa.create("probe test CA");
        TestCa.Issued server = ca.server("localhost");
        HttpServer https = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setKeyValue(io.vertx.core.buffer.Buffer.buffer(TestCa.pem(server.keys().getPrivate())))
                        .setCertValue(io.vertx.core.buffer.Buffer.buffer(TestCa.pem(server.certificate())))))
                .requestHandler(r -> r.response().end("ok"));
        int port = https.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        KeyStore trust = KeyStore.getInstance("JKS");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        Path trustFile = dir.resolve("client-truststore.jks");
        try (FileOutputStream out = new FileOutputStream(trustFile.toFile())) {
            trust.store(out, "trust-pass".toCharArray());
        }
        ProbeRunner runner = runner(new JksOptions().setPath(trustFile.toString()).setPassword("trust-pass"));
        onLoop(() -> runner.run(List.of(probe("by-name", Probe.Kind.HTTPS, "localhost", port, "/"),
                probe("by-ip", Probe.Kind.HTTPS, "127.0.0.1", port, "/")), Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.get("by-name") == ProbeVerdicts.State.PASSING
                && changes.get("by-ip") == ProbeVerdicts.State.FAILING);
        assertThat(runner.health()).isEqualTo("unhealthy");
    }

    @Test
    void aProbeOfAClosedPortFailsWithinItsTimeoutWithoutBlocking() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        ProbeRunner runner = runner(null);
        int port = closed;
        onLoop(() -> runner.run(List.of(probe("gone", Probe.Kind.TCP, "127.0.0.1", port, null)), Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.get("gone") == ProbeVerdicts.State.FAILING);
    }
}
