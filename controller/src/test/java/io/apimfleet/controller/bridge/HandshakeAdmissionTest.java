package io.apimfleet.controller.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.daemon.ServerIdentity;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.testing.AgentIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge takes on so many new handshakes a second and turns the rest away at once, before signing anything. */
class HandshakeAdmissionTest {
    private static final int DEADLINE_MS = 10_000;

    @TempDir
    Path tmp;

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    Vertx vertx;

    @AfterEach
    void tearDown() throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void oneSecondsShareIsAdmittedAndTheNextHandshakeOnlyOnceTimeHasRefilledIt() {
        HandshakeAdmission admission = new HandshakeAdmission(3, nanos::get);

        assertThat(List.of(admission.admit(), admission.admit(), admission.admit(), admission.admit()))
                .containsExactly(true, true, true, false);
        nanos.addAndGet(Duration.ofMillis(334).toNanos());
        assertThat(admission.admit()).isTrue();
        assertThat(admission.admit()).isFalse();
        assertThat(admission.refused()).isEqualTo(2);
    }

    @Test
    void aHandshakeBeyondTheShareFailsAtOnceAndOneAfterTheRefillSucceeds() throws Exception {
        ControllerState state = ControllerState.init(tmp.resolve("state"), "127.0.0.1:7443");
        ServerIdentity identity = ServerIdentity.issue(state, List.of("127.0.0.1"), Instant.now());
        AgentIdentity km1 = AgentIdentity.enroll(state, "km1");
        HandshakeAdmission admission = new HandshakeAdmission(2, nanos::get);
        vertx = Vertx.vertx();
        NetServer server = vertx.createNetServer(new NetServerOptions().setSsl(true).setClientAuth(ClientAuth.REQUIRED)
                        .setKeyCertOptions(admission.guarding(identity.keyCertOptions())).setTrustOptions(identity.trustOptions()))
                .connectHandler(socket -> socket.handler(socket::write));
        int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();

        assertThat(handshake(port, km1, state)).isEqualTo("ok");
        assertThat(handshake(port, km1, state)).isEqualTo("ok");
        assertThat(handshake(port, km1, state)).startsWith("refused");
        nanos.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(handshake(port, km1, state)).isEqualTo("ok");
        assertThat(admission.refused()).isEqualTo(1);
    }

    /** "ok" when the handshake completed and an echo came back; "refused: …" when the handshake failed. */
    private static String handshake(int port, AgentIdentity agent, ControllerState state) throws IOException {
        // a new context each time: no session to resume, so every handshake is a full one
        try (SSLSocket socket = (SSLSocket) ControllerClient.tls(agent.key(), agent.chain(), state.fleetCa().certificate())
                .getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), DEADLINE_MS);
            socket.setSoTimeout(DEADLINE_MS);
            socket.startHandshake();
            socket.getOutputStream().write(42);
            socket.getOutputStream().flush();
            return socket.getInputStream().read() == 42 ? "ok" : "no echo";
        } catch (SSLHandshakeException e) {
            return "refused: " + e.getMessage();
        }
    }
}
