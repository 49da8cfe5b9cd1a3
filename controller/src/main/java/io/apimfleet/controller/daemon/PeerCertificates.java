package io.apimfleet.controller.daemon;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** The client certificate a TLS peer proved it holds the key of (the listeners have already validated its chain). */
public final class PeerCertificates {
    /** Gives the peer's certificates, or throws when there are none (the Vert.x APIs' shape). */
    @FunctionalInterface
    public interface Source {
        List<Certificate> peerCertificates() throws SSLPeerUnverifiedException;
    }

    private PeerCertificates() {
    }

    /** The peer's own (leaf) certificate, or null when it presented none. */
    public static X509Certificate leaf(Source source) {
        try {
            List<Certificate> chain = source.peerCertificates();
            if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
                return null;
            }
            return leaf;
        } catch (SSLPeerUnverifiedException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The peer's chain as it presented it (its own certificate first), or empty when it presented none. */
    public static List<X509Certificate> chain(Source source) {
        try {
            List<Certificate> chain = source.peerCertificates();
            if (chain == null || chain.isEmpty()) {
                return List.of();
            }
            List<X509Certificate> certificates = new java.util.ArrayList<>();
            for (Certificate certificate : chain) {
                if (!(certificate instanceof X509Certificate x509)) {
                    return List.of();
                }
                certificates.add(x509);
            }
            return List.copyOf(certificates);
        } catch (SSLPeerUnverifiedException | UnsupportedOperationException e) {
            return List.of();
        }
    }

    /** The single CN of the certificate's subject, or null when it has none or several. */
    public static String commonName(X509Certificate certificate) {
        if (certificate == null) {
            return null;
        }
        X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] rdns = name.getRDNs(BCStyle.CN);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            return null;
        }
        return IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }
}
