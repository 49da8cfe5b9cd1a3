package io.apimfleet.controller.cluster;

import io.apimfleet.controller.pki.CertificateAuthority;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.KeyPurpose;
import io.apimfleet.controller.pki.Keys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Certificates for the cluster tests, all from one controller state: controllers' from its
 * controller-peer CA ({@link ControllerState#peerCa()}); an agent's from its fleet CA, as
 * enrollment issues them; and the admin certificate {@code fleet init} wrote. All are EC P-256
 * and the agent's is issued for the same address as a controller's, so only the issuing CA tells
 * a controller apart.
 */
public final class PeerCertificates {
    private final ControllerState state;

    private PeerCertificates(ControllerState state) {
        this.state = state;
    }

    public static PeerCertificates create(Path dir) {
        return new PeerCertificates(ControllerState.init(dir.resolve("controller-state"), "controllers.test:7443"));
    }

    /** A controller's identity from the controller-peer CA. */
    public KeyCertOptions controller(String ip) {
        return PeerIdentity.issue(state, ip, Instant.now()).keyCert();
    }

    /** An agent's identity from the same state's fleet CA, for the same address. */
    KeyCertOptions agent(String name, String ip) {
        return pem(state.fleetCa(), name, ip).options();
    }

    /** The admin client certificate of the same state ({@code admin/admin.crt} and its key). */
    KeyCertOptions admin() {
        return new PemKeyCertOptions().setKeyPath(state.dir().resolve("admin/admin.key").toString())
                .setCertPath(state.dir().resolve("admin/admin.crt").toString());
    }

    public TrustOptions peerTrust() {
        return PeerTls.trust(state.peerCa().certificate());
    }

    /** A controller's key and chain (leaf, then CA) as PEM, for a member in another process. */
    Pem controllerPem(String ip) {
        return pem(state.peerCa(), "apim-fleet controller " + ip, ip);
    }

    String peerCaPem() {
        return io.apimfleet.controller.pki.Pem.write(state.peerCa().certificate());
    }

    record Pem(String key, String chain) {
        KeyCertOptions options() {
            return new PemKeyCertOptions().addKeyValue(Buffer.buffer(key)).addCertValue(Buffer.buffer(chain));
        }
    }

    private static Pem pem(CertificateAuthority ca, String cn, String ip) {
        KeyPair keys = Keys.ecP256();
        X509Certificate certificate = ca.issue(keys.getPublic(),
                new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build(),
                new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)),
                Duration.ofDays(1), KeyPurpose.SERVER_AND_CLIENT_TLS);
        return new Pem(io.apimfleet.controller.pki.Pem.write(keys.getPrivate()),
                io.apimfleet.controller.pki.Pem.write(certificate) + io.apimfleet.controller.pki.Pem.write(ca.certificate()));
    }
}
