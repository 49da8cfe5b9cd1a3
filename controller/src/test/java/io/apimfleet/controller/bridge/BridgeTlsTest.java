package io.apimfleet.controller.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.BridgePing;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.FrameCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import io.apimfleet.controller.client.ControllerClient;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only clients with a certificate from this fleet's CA, not revoked, get anything from the
 * bridge. With TLS 1.3 a refused client certificate shows at the first read, so each client
 * writes a ping and reads with a deadline: it must get no pong, only the end of the connection.
 */
class BridgeTlsTest {
    private static final int DEADLINE_MS = 10_000;

    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx;

    @BeforeEach
    void setUp() {
        controller = RunningController.start(tmp);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() {
        vertx.close();
        controller.close();
    }

    /** What a client got for its ping: "pong", "closed" (end of stream or TLS refusal). */
    private String pingWith(SSLContext context) {
        return BridgePing.with(context, "127.0.0.1", controller.bridgePort());
    }

    @Test
    void anEnrolledAgentGetsItsPong() {
        AgentIdentity km1 = controller.enroll("km1");

        assertThat(pingWith(ControllerClient.tls(km1.key(), km1.chain(), controller.state().fleetCa().certificate()))).isEqualTo("pong");
    }

    @Test
    void aClientWithoutACertificateGetsNothing() {
        assertThat(pingWith(ControllerClient.tls(null, null, controller.state().fleetCa().certificate()))).isEqualTo("closed");
    }

    @Test
    void aCertificateFromAnotherFleetsCaGetsNothing() {
        ControllerState other = ControllerState.init(tmp.resolve("other"), "other.test:7443");
        AgentIdentity stranger = AgentIdentity.enroll(other, "km1");

        assertThat(pingWith(ControllerClient.tls(stranger.key(), stranger.chain(), controller.state().fleetCa().certificate())))
                .isEqualTo("closed");
    }

    @Test
    void aRemovedAgentIsRefusedAtItsNextConnection() throws Exception {
        AgentIdentity km1 = controller.enroll("km1");
        controller.state().agents().remove("km1", Instant.now());

        try (TestAgent agent = TestAgent.connect(vertx, controller.bridgePort(), km1, Pem.write(controller.state().fleetCa().certificate()))) {
            agent.ping();
            assertThat(agent.next(TestAgent.DEADLINE)).isNull();
            assertThat(agent.isClosed()).isTrue();
        } catch (java.util.concurrent.ExecutionException refusedAtConnect) {
            assertThat(refusedAtConnect).hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void aRemovedAgentsOpenConnectionIsClosedAtItsNextFrame() throws Exception {
        AgentIdentity km1 = controller.enroll("km1");
        try (TestAgent agent = TestAgent.connect(vertx, controller.bridgePort(), km1, controller.caPem())) {
            assertThat(agent.roundTrip()).isTrue();

            controller.state().agents().remove("km1", Instant.now());

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                agent.ping();
                return agent.isClosed();
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.journal(AgentBridge.REFUSED))
                    .anySatisfy(e -> assertThat(e.get("fields")).extracting("node", "reason").isEqualTo(List.of("km1", "certificate-revoked"))));
        }
    }

    @Test
    void theAdminCertificateIsNoAgentOnTheBridge() throws Exception {
        Path admin = controller.state().dir();
        AgentIdentity fleetAdmin = new AgentIdentity("fleet-admin", Files.readString(admin.resolve(ControllerClient.ADMIN_KEY)),
                Files.readString(admin.resolve(ControllerClient.ADMIN_CRT)), controller.caPem());
        try (TestAgent agent = TestAgent.connect(vertx, controller.bridgePort(), fleetAdmin, controller.caPem())) {
            agent.ping();

            assertThat(agent.next(TestAgent.DEADLINE)).isNull();   // no pong: the connection is closed
            assertThat(agent.isClosed()).isTrue();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.journal(AgentBridge.REFUSED))
                    .singleElement().satisfies(e -> assertThat(e.get("fields")).extracting("node", "reason").isEqualTo(List.of("fleet-admin", "not-an-agent"))));
        }
    }
}
