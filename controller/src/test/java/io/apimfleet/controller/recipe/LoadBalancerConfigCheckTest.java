package io.apimfleet.controller.recipe;

import io.apimfleet.controller.testing.FreePorts;
import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.LoadBalancer;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.protocol.SecretRef;
import io.apimfleet.protocol.bundle.Bundle;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.Role;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered configurations as the real HAProxy and nginx read them ({@code haproxy -c},
 * {@code nginx -t}): the bundle is applied by the real applier into a temporary home, with a
 * test product CA, a load-balancer certificate for the endpoint names and its key as the host
 * secret. Backends are on {@code localhost} at port offsets 1 to 4, as on a one-host test bed.
 * Then each runs for real, in front of two HTTPS publishers on localhost. Without the binary a
 * test is skipped, saying so.
 */
class LoadBalancerConfigCheckTest {
    private static final LoadBalancerRecipeTest.Pki PKI =
            LoadBalancerRecipeTest.Pki.make("localhost", "km.seven.test", "pub.seven.test");
    private static final List<Path> SBIN = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"), Path.of("/sbin"));

    /** seven-node.yaml with the doubled nodes on localhost and the load balancer's home in {@code home}. */
    private static ClusterSpec onLocalhost(Path home, LoadBalancer.Kind kind) {
        ClusterSpec seven = ApimHomes.spec("seven-node.yaml");
        List<String> order = List.of("km1", "km2", "pub1", "pub2");
        List<Node> nodes = seven.nodes().stream().map(n -> {
            if (order.contains(n.name())) {
                return LoadBalancerRecipeTest.moved(n, "localhost", order.indexOf(n.name()) + 1, null, null);
            }
            return n.name().equals("lb1") ? LoadBalancerRecipeTest.moved(n, "localhost", 0, "127.0.0.1", home.toString()) : n;
        }).toList();
        return LoadBalancerRecipeTest.with(seven, nodes, new LoadBalancer("lb1", kind, seven.loadBalancer().endpoints()));
    }

    /** Applies the load balancer's bundle into {@code dir/home}, the key resolved as the host secret. */
    private static Path applied(Path dir, LoadBalancer.Kind kind) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        ClusterSpec spec = onLocalhost(home, kind);
        Bundle bundle = LoadBalancerRecipe.bundle(spec, 1, new LoadBalancerMaterial(PKI.ca(), List.of(PKI.leaf()))).bundle();
        new BundleApplier(home, dir.resolve("state"), hostKey()).apply(bundle);
        return home;
    }

    /** The binary on the PATH or in an sbin directory; skips the test, visibly, when it is absent. */
    private static String binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        Optional<Path> found = Stream.concat(Stream.of(path.split(File.pathSeparator)).filter(p -> !p.isEmpty()).map(Path::of), SBIN.stream())
                .map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(found.isPresent(), name + " is not installed, so its real configuration check was SKIPPED; "
                + "install it with: apt-get install -y --no-install-recommends haproxy nginx");
        return found.get().toString();
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void haproxyAcceptsTheRenderedConfiguration(@TempDir Path dir) throws Exception {
        String haproxy = binary("haproxy");
        Path home = applied(dir, LoadBalancer.Kind.HAPROXY);
        assertThat(Files.readString(home.resolve(LoadBalancerRecipe.ENDPOINT_PEM))).contains("PRIVATE KEY").doesNotContain("${");
        Run check = run(List.of(haproxy, "-c", "-f", home.resolve(HaproxyConfig.FILE).toString()));
        assertThat(check.exit()).as("haproxy -c said:\n%s\nof:\n%s", check.output(), Files.readString(home.resolve(HaproxyConfig.FILE)))
                .isZero();
        assertThat(check.output()).contains("Configuration file is valid");
    }

    @Test
    void nginxAcceptsTheRenderedConfiguration(@TempDir Path dir) throws Exception {
        String nginx = binary("nginx");
        Path home = applied(dir, LoadBalancer.Kind.NGINX);
        List<String> command = new ArrayList<>();
        command.add(nginx);
        command.add("-t");
        // The agent's start command, minus the foreground switch: the same prefix, error log and file.
        List<String> process = LoadBalancerRecipe.bundle(onLocalhost(home, LoadBalancer.Kind.NGINX), 1,
                new LoadBalancerMaterial(PKI.ca(), List.of(PKI.leaf()))).bundle().process().command();
        command.addAll(process.subList(1, process.indexOf("-g")));
        Run check = run(command);
        assertThat(check.exit()).as("nginx -t said:\n%s\nof:\n%s", check.output(), Files.readString(home.resolve(NginxConfig.FILE)))
                .isZero();
        assertThat(check.output()).contains("test is successful");
    }

    // ---- live: the real load balancer in front of two HTTPS publishers on localhost ----

    /** A publisher stand-in: answers every path with its node name and the cookie it saw, and opens a session when none is sent. */
    private static HttpsServer publisher(String node, int port, SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            String cookie = exchange.getRequestHeaders().getFirst("Cookie");
            if (cookie == null || !cookie.contains("JSESSIONID=")) {
                exchange.getResponseHeaders().add("Set-Cookie", "JSESSIONID=" + node + "-session; Path=/; Secure; HttpOnly");
            }
            byte[] body = (node + " " + (cookie == null ? "-" : cookie)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** A load balancer running from its applied home, its two publishers, and a client trusting the product CA. */
    private static final class Live implements AutoCloseable {
        final Path home;
        final int endpointPort;
        final List<HttpsServer> publishers = new ArrayList<>();
        final HttpClient client;
        Process process;

        Live(Path dir, LoadBalancer.Kind kind, String binary) throws Exception {
            home = Files.createDirectories(dir.resolve("home"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
            endpointPort = FreePorts.onLoopback();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("tls", PKI.key(), new char[0], new Certificate[] {PKI.leaf(), PKI.ca()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            SSLContext serverTls = SSLContext.getInstance("TLS");
            serverTls.init(kmf.getKeyManagers(), null, null);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("product-ca", PKI.ca());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext clientTls = SSLContext.getInstance("TLS");
            clientTls.init(null, tmf.getTrustManagers(), null);
            client = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();

            Map<String, Integer> ports = Map.of("km1", FreePorts.onLoopback(), "km2", FreePorts.onLoopback(), "pub1", FreePorts.onLoopback(), "pub2", FreePorts.onLoopback());
            for (String pub : List.of("pub1", "pub2")) {
                publishers.add(publisher(pub, ports.get(pub), serverTls));
            }
            ClusterSpec seven = ApimHomes.spec("seven-node.yaml");
            List<Node> nodes = seven.nodes().stream().map(n -> ports.containsKey(n.name())
                    ? LoadBalancerRecipeTest.moved(n, "localhost", ports.get(n.name()) - 9443, null, null)
                    : n.name().equals("lb1") ? LoadBalancerRecipeTest.moved(n, "localhost", 0, "127.0.0.1", home.toString()) : n).toList();
            ClusterSpec spec = LoadBalancerRecipeTest.with(seven, nodes, new LoadBalancer("lb1", kind, Map.of(
                    Role.KEY_MANAGER, new Endpoint("localhost", FreePorts.onLoopback()), Role.PUBLISHER, new Endpoint("localhost", endpointPort))));
            Bundle bundle = LoadBalancerRecipe.bundle(spec, 1, new LoadBalancerMaterial(PKI.ca(), List.of(PKI.leaf()))).bundle();
            new BundleApplier(home, dir.resolve("state"), hostKey()).apply(bundle);
            List<String> command = new ArrayList<>(bundle.process().command());
            command.set(0, binary);
            process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(home.resolve("lb.log").toFile()).start();
            Process started = process;
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (!started.isAlive()) {
                        throw new AssertionError(binary + " exited before it listened on " + endpointPort + ":\n" + log());
                    }
                    try (Socket ignored = new Socket("127.0.0.1", endpointPort)) {
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(binary + " did not listen on " + endpointPort + " within 15 s:\n" + log(), e);
            }
        }

        String log() throws IOException {
            return Files.exists(home.resolve("lb.log")) ? Files.readString(home.resolve("lb.log")) : "(no log)";
        }

        HttpResponse<String> get(String cookie) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + endpointPort + "/publisher/site/pages/index.jag"))
                    .timeout(Duration.ofSeconds(10));
            if (cookie != null) {
                request.header("Cookie", cookie);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s\nload balancer log:\n%s", response.body(), log()).isEqualTo(200);
            return response;
        }

        /** The nodes that answered {@code count} requests sent with {@code cookie}. */
        Set<String> answering(String cookie, int count) throws Exception {
            Set<String> nodes = new HashSet<>();
            for (int i = 0; i < count; i++) {
                nodes.add(get(cookie).body().split(" ")[0]);
            }
            return nodes;
        }

        @Override
        public void close() throws Exception {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            }
            publishers.forEach(server -> server.stop(0));
        }
    }

    private static Secrets hostKey() {
        return new Secrets() {
            @Override
            public Optional<String> lookup(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<String> lookup(SecretRef.Kind secretKind, String name) {
                return secretKind == SecretRef.Kind.HOST_SECRET && name.equals(LoadBalancerMaterial.KEY_HOST_SECRET)
                        ? Optional.of(PKI.keyPem()) : Optional.empty();
            }
        };
    }

    private static String sessionCookie(HttpResponse<String> response) {
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("no Set-Cookie"));
        return setCookie.split(";")[0];
    }

    private static String adminCommand(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            StringBuilder answer = new StringBuilder();
            while (channel.read(buffer) > 0) {
                buffer.flip();
                answer.append(StandardCharsets.UTF_8.decode(buffer));
                buffer.clear();
            }
            return answer.toString();
        }
    }

    @Test
    void haproxyVerifiesBalancesSticksToTheSessionAndTakesANodeOutThroughItsAdminSocket(@TempDir Path dir) throws Exception {
        String haproxy = binary("haproxy");
        try (Live lb = new Live(dir, LoadBalancer.Kind.HAPROXY, haproxy)) {
            assertThat(lb.answering(null, 6)).containsExactlyInAnyOrder("pub1", "pub2");
            String cookie = sessionCookie(lb.get(null));
            String node = cookie.substring("JSESSIONID=".length(), cookie.indexOf('~'));
            assertThat(lb.answering(cookie, 6)).containsExactly(node);
            assertThat(lb.get(cookie).body()).as("the node sees its own session id, prefix stripped")
                    .isEqualTo(node + " JSESSIONID=" + node + "-session");
            String answer = adminCommand(lb.home.resolve(LoadBalancerRecipe.ADMIN_SOCKET), "set server publisher/" + node + " state maint");
            assertThat(answer.strip()).isEmpty();
            assertThat(lb.answering(cookie, 4)).doesNotContain(node).hasSize(1);
        }
    }

    @Test
    void nginxVerifiesBalancesAndSticksToTheSessionCookie(@TempDir Path dir) throws Exception {
        String nginx = binary("nginx");
        // Run as root, nginx's workers are "nobody": they must traverse the home to reach the relay
        // sockets, which a JUnit temporary directory (0700) does not allow (docs/load-balancer.md).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        try (Live lb = new Live(dir, LoadBalancer.Kind.NGINX, nginx)) {
            assertThat(lb.answering(null, 6)).as("requests without a session are balanced").containsExactlyInAnyOrder("pub1", "pub2");
            for (String session : List.of("JSESSIONID=a1", "JSESSIONID=b2", "JSESSIONID=c3")) {
                assertThat(lb.answering(session, 5)).as("requests of session %s", session).hasSize(1);
            }
            assertThat(lb.get("JSESSIONID=a1").body()).endsWith(" JSESSIONID=a1");
        }
    }
}
