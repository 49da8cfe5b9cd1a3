package io.apimfleet.controller.cluster;

import io.apimfleet.controller.pki.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Vert.x TLS options for the event bus between controllers, from in-memory keys and certificates
 * (nothing written to disk, nothing logged).
 */
public final class PeerTls {
    private PeerTls() {
    }

    /**
     * This controller's controller-peer identity: its key, its certificate, then the rest of the
     * chain up to (and including) the controller-peer CA.
     */
    public static KeyCertOptions identity(PrivateKey key, X509Certificate certificate, X509Certificate... chain) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        StringBuilder pem = new StringBuilder(Pem.write(certificate));
        for (X509Certificate next : chain) {
            pem.append(Pem.write(next));
        }
        return new PemKeyCertOptions().addKeyValue(Buffer.buffer(Pem.write(key))).addCertValue(Buffer.buffer(pem.toString()));
    }

    /** Trust in the controller-peer CA alone (no JDK default CAs, not the fleet CA). */
    public static TrustOptions trust(X509Certificate controllerPeerCa) {
        Objects.requireNonNull(controllerPeerCa, "controllerPeerCa");
        return new PemTrustOptions().addCertValue(Buffer.buffer(Pem.write(controllerPeerCa)));
    }
}
