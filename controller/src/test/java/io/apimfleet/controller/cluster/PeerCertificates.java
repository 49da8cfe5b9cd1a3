package io.apimfleet.controller.cluster;

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
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Certificates for the cluster tests. The controller-peer CA is stood in for by the fleet CA of
 * a state of its own (the pki package has no controller-peer CA yet); the "agent" CA is the fleet
 * CA of another, unrelated state. Both issue the same kind of certificate (EC P-256, server and
 * client TLS, IP SAN), so only the issuing CA tells them apart.
 */
final class PeerCertificates {
    private final ControllerState peerCa;
    private final ControllerState agentCa;

    private PeerCertificates(ControllerState peerCa, ControllerState agentCa) {
        this.peerCa = peerCa;
        this.agentCa = agentCa;
    }

    static PeerCertificates create(Path dir) {
        return new PeerCertificates(ControllerState.init(dir.resolve("controller-peer-ca"), "controllers.test:7443"),
                ControllerState.init(dir.resolve("agent-ca"), "agents.test:7443"));
    }

    /** A controller's identity from the controller-peer CA. */
    KeyCertOptions controller(String ip) {
        return identity(peerCa, "apim-fleet controller " + ip, ip);
    }

    /** An agent's identity from the other CA, for the same address. */
    KeyCertOptions agent(String name, String ip) {
        return identity(agentCa, name, ip);
    }

    TrustOptions peerTrust() {
        return PeerTls.trust(peerCa.fleetCa().certificate());
    }

    X509Certificate peerCaCertificate() {
        return peerCa.fleetCa().certificate();
    }

    /** A controller's key and chain (leaf, then CA) as PEM, for a member in another process. */
    Pem controllerPem(String ip) {
        return pem(peerCa, "apim-fleet controller " + ip, ip);
    }

    String peerCaPem() {
        return io.apimfleet.controller.pki.Pem.write(peerCa.fleetCa().certificate());
    }

    record Pem(String key, String chain) {
        KeyCertOptions options() {
            return new PemKeyCertOptions().addKeyValue(Buffer.buffer(key)).addCertValue(Buffer.buffer(chain));
        }
    }

    private static KeyCertOptions identity(ControllerState ca, String cn, String ip) {
        return pem(ca, cn, ip).options();
    }

    private static Pem pem(ControllerState ca, String cn, String ip) {
        KeyPair keys = Keys.ecP256();
        X509Certificate certificate = ca.fleetCa().issue(keys.getPublic(),
                new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build(),
                new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)),
                Duration.ofDays(1), KeyPurpose.SERVER_AND_CLIENT_TLS);
        return new Pem(io.apimfleet.controller.pki.Pem.write(keys.getPrivate()),
                io.apimfleet.controller.pki.Pem.write(certificate) + io.apimfleet.controller.pki.Pem.write(ca.fleetCa().certificate()));
    }
}
