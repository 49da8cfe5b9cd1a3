package io.apimfleet.controller.cluster;

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
 * state's controller-peer CA for the cluster-bind address, presented as server and as client;
 * trust is that CA alone.
 *
 * @param certificate the controller-peer certificate (no key in here but inside {@code keyCert})
 */
public record PeerIdentity(X509Certificate certificate, KeyCertOptions keyCert, TrustOptions trust) {
    public static final Duration VALIDITY = Duration.ofDays(90);

    /** Issues the certificate (a blocking call: signing and the state's serial ledger). */
    public static PeerIdentity issue(ControllerState state, String clusterBind, Instant now) {
        KeyPair keys = Keys.ecP256();
        X509Certificate ca = state.peerCa().certificate();
        X509Certificate certificate = state.peerCa().issue(keys.getPublic(),
                new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "apim-fleet")
                        .addRDN(BCStyle.CN, "apim-fleet controller-peer " + state.fleetId() + " " + clusterBind).build(),
                new GeneralNames(new GeneralName(GeneralName.iPAddress, clusterBind)),
                VALIDITY, KeyPurpose.SERVER_AND_CLIENT_TLS, now);
        return new PeerIdentity(certificate, PeerTls.identity(keys.getPrivate(), certificate, ca), PeerTls.trust(ca));
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "PeerIdentity[" + certificate.getSubjectX500Principal().getName() + ", serial " + certificate.getSerialNumber().toString(16) + "]";
    }
}
