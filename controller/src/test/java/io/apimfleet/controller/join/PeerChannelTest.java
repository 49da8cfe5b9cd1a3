package io.apimfleet.controller.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.client.ControllerUnreachable;
import io.apimfleet.controller.cluster.PeerIdentity;
import io.apimfleet.controller.pki.ClusterSecrets;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.KeyPurpose;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.RunningController;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller-peer listener the cluster secrets leave by (127.0.0.126): only a certificate
 * under the controller-peer root gets them; an agent's, the admin's (both under the fleet root)
 * and none at all fail the handshake, and nothing is sent or journalled.
 */
class PeerChannelTest {
    private static final String HOST = "127.0.0.126";

    @TempDir
    Path tmp;

    RunningController controller;

    @BeforeEach
    void setUp() {
        controller = RunningController.admitting(TestStates.fresh(tmp), HOST);
    }

    @AfterEach
    void tearDown() {
        controller.close();
    }

    private ClusterSecrets fetch(PrivateKey key, List<X509Certificate> chain) {
        ControllerState state = controller.state();
        return new ControllerClient(URI.create("https://" + controller.daemon().secretsEndpoint()),
                ControllerClient.tls(key, chain, state.peerCa().root())).clusterSecrets();
    }

    @Test
    void aControllerPeerCertificateGetsTheMasterKey() throws Exception {
        KeyPair keys = Keys.ecP256();
        X509Certificate peer = PeerIdentity.issueCertificate(controller.state().peerCa(), controller.state().fleetId(), HOST, keys, Instant.now());

        ClusterSecrets secrets = fetch(keys.getPrivate(), List.of(peer));

        assertThat(secrets.masterKey()).isEqualTo(java.nio.file.Files.readAllBytes(controller.state().dir().resolve("master.key")));
    }

    @Test
    void anAgentCertificateIsRefused() {
        AgentIdentity km1 = controller.enroll("km1");

        assertThatThrownBy(() -> fetch(km1.key(), km1.chain())).isInstanceOf(ControllerUnreachable.class);
        assertThat(controller.journal("controller.secrets.sent")).isEmpty();
    }

    @Test
    void theAdminCertificateIsRefused() {
        Path admin = controller.state().dir().resolve("admin");

        assertThatThrownBy(() -> fetch(Pem.readPrivateKey(admin.resolve("admin.key")), Pem.readCertificates(admin.resolve("admin.crt"))))
                .isInstanceOf(ControllerUnreachable.class);
        assertThat(controller.journal("controller.secrets.sent")).isEmpty();
    }

    @Test
    void aServerCertificateOfTheFleetCaIsRefused() {
        KeyPair keys = Keys.ecP256();
        X509Certificate fleetServer = controller.state().fleetCa().issue(keys.getPublic(),
                new org.bouncycastle.asn1.x500.X500Name("CN=apim-fleet controller-peer " + controller.state().fleetId() + " " + HOST),
                null, java.time.Duration.ofDays(1), KeyPurpose.SERVER_AND_CLIENT_TLS);

        assertThatThrownBy(() -> fetch(keys.getPrivate(), List.of(fleetServer))).isInstanceOf(ControllerUnreachable.class);
    }

    @Test
    void noCertificateIsRefused() {
        assertThatThrownBy(() -> fetch(null, null)).isInstanceOf(ControllerUnreachable.class);
    }
}
