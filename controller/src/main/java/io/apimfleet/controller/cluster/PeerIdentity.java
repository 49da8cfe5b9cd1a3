package io.apimfleet.controller.cluster;

import io.apimfleet.controller.pki.CertificateAuthority;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.KeyPurpose;
import io.apimfleet.controller.pki.Keys;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * This controller's identity on the event bus between controllers, made at every start like the
 * API's server certificate: a fresh EC P-256 key (only ever in memory) and a certificate from the
 * state's controller-peer CA (its intermediate when this controller joined the fleet) for the
 * cluster-bind address, presented as server and as client with the chain up to the
 * controller-peer root; trust is that root alone.
 *
 * @param certificate the controller-peer certificate (no key in here but inside {@code keyCert})
 */
public record PeerIdentity(X509Certificate certificate, KeyCertOptions keyCert, TrustOptions trust) {
    public static final Duration VALIDITY = Duration.ofDays(90);

    /** Issues the certificate (a blocking call: signing and the state's serial ledger). */
    public static PeerIdentity issue(ControllerState state, String clusterBind, Instant now) {
        return issue(state.peerCa(), state.fleetId(), clusterBind, now);
    }

    /**
     * Issues the certificate from {@code peerCa} (the state's, or a joining controller's new
     * intermediate before its state is written), presented with that CA's chain; trust is the
     * controller-peer root alone.
     */
    public static PeerIdentity issue(CertificateAuthority peerCa, String fleetId, String clusterBind, Instant now) {
        KeyPair keys = Keys.ecP256();
        X509Certificate certificate = issueCertificate(peerCa, fleetId, clusterBind, keys, now);
        return new PeerIdentity(certificate, PeerTls.identity(keys.getPrivate(), certificate,
                peerCa.chain().toArray(X509Certificate[]::new)), PeerTls.trust(peerCa.root()));
    }

    /** A controller-peer certificate for {@code keys}: CN names the fleet and the address, one IP SAN (the address). */
    public static X509Certificate issueCertificate(CertificateAuthority peerCa, String fleetId, String clusterBind, KeyPair keys, Instant now) {
        return peerCa.issue(keys.getPublic(),
                new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "apim-fleet")
                        .addRDN(BCStyle.CN, "apim-fleet controller-peer " + fleetId + " " + clusterBind).build(),
                new GeneralNames(new GeneralName(GeneralName.iPAddress, clusterBind)),
                VALIDITY, KeyPurpose.SERVER_AND_CLIENT_TLS, now);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "PeerIdentity[" + certificate.getSubjectX500Principal().getName() + ", serial " + certificate.getSerialNumber().toString(16) + "]";
    }
}
