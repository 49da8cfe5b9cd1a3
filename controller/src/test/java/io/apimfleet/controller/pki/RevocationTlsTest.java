package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real mutual-TLS handshake on loopback, the server checking revocation as the controller's
 * listeners will: an enrolled agent is let in; after {@code agents remove} it is refused.
 */
class RevocationTlsTest {
    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    Path tmp;

    ControllerState state;
    KeyPair agentKeys;
    X509Certificate agentCert;
    final ExecutorService serverThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(tmp);
        agentKeys = Keys.ecP256();
        agentCert = state.enrollment().enroll(state.tokens().create("km1", null, Instant.now()).token(),
                TestStates.csr(agentKeys, "km1"), Instant.now()).certificate();
    }

    @AfterEach
    void tearDown() {
        serverThread.shutdownNow();
    }

    @Test
    void anEnrolledAgentCompletesTheHandshake() throws Exception {
        Exchange exchange = exchange(state.revocations());

        assertThat(exchange.clientRead()).isEqualTo(42);
        assertThat(exchange.server().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo("peer CN=km1");
    }

    @Test
    void aRemovedAgentIsRefusedAtItsNextHandshake() throws Exception {
        RevocationList revocations = state.revocations();
        assertThat(exchange(revocations).clientRead()).isEqualTo(42);

        // removed through another handle on the same state, as the CLI would from another process
        ControllerState.open(state.dir()).agents().remove("km1", Instant.now());
        Exchange refused = exchange(revocations);

        assertThat(refused.clientRead()).isEqualTo(-2);
        assertThat(refused.server().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).startsWith("refused").contains("is revoked");
    }

    @Test
    void theDecoratorRefusesARevokedClientCertificateDirectly() {
        state.agents().remove("km1", Instant.now());
        RevocationCheckingTrustManager manager = RevocationCheckingTrustManager.trusting(state.fleetCa().certificate(), state.revocations());

        assertThatThrownBy(() -> manager.checkClientTrusted(new X509Certificate[] {agentCert, state.fleetCa().certificate()}, "EC"))
                .isInstanceOf(java.security.cert.CertificateException.class).hasMessageContaining("CN=km1").hasMessageContaining("revoked");
    }

    /** What the client read back (42), or -2 when the connection failed; and what the server saw. */
    private record Exchange(int clientRead, CompletableFuture<String> server) {
    }

    private Exchange exchange(RevocationList revocations) throws Exception {
        KeyPair serverKeys = Keys.ecP256();
        X509Certificate serverCert = state.fleetCa().issue(serverKeys.getPublic(), new X500Name("CN=controller"),
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")), Duration.ofDays(1), KeyPurpose.SERVER_AND_CLIENT_TLS);
        X509Certificate ca = state.fleetCa().certificate();
        SSLContext server = context(serverKeys.getPrivate(), new X509Certificate[] {serverCert, ca},
                RevocationCheckingTrustManager.trusting(ca, revocations));
        SSLContext client = context(agentKeys.getPrivate(), new X509Certificate[] {agentCert, ca},
                RevocationCheckingTrustManager.trusting(ca, state.revocations()));

        SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(true);
        listener.setSoTimeout(TIMEOUT_MS);
        CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
            try (listener; SSLSocket socket = (SSLSocket) listener.accept()) {
                socket.setSoTimeout(TIMEOUT_MS);
                socket.startHandshake();
                int b = socket.getInputStream().read();
                socket.getOutputStream().write(b + 1);
                socket.getOutputStream().flush();
                return "peer " + ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (IOException e) {
                return "refused: " + messages(e);
            }
        }, serverThread);

        int read;
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.startHandshake();
            socket.getOutputStream().write(41);
            socket.getOutputStream().flush();
            // with TLS 1.3 the server's refusal of our certificate shows only here, at the first read
            read = socket.getInputStream().read();
        } catch (IOException e) {
            read = -2;
        }
        return new Exchange(read, served);
    }

    private static SSLContext context(PrivateKey key, X509Certificate[] chain, RevocationCheckingTrustManager trust) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("me", key, new char[0], chain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), new TrustManager[] {trust}, null);
        return context;
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" / ");
        }
        return all.toString();
    }
}
