package io.apimfleet.controller.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/** The two hashes operators compare: of a certificate's DER, and of its SubjectPublicKeyInfo (the pin). */
public final class Fingerprints {
    private Fingerprints() {
    }

    /** SHA-256 of the certificate's DER, as {@code AB:CD:...} (what {@code keytool -list -v} prints). */
    public static String sha256(X509Certificate certificate) {
        try {
            return Crypto.colonHex(Crypto.sha256(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Lower-case hex SHA-256 of the certificate's SubjectPublicKeyInfo (DER), as kubeadm's
     * {@code --discovery-token-ca-cert-hash}: the value after {@code sha256:} in {@code --ca-hash}.
     */
    public static String spkiSha256(X509Certificate certificate) {
        try {
            return Crypto.hex(Crypto.sha256(new JcaX509CertificateHolder(certificate).getSubjectPublicKeyInfo().getEncoded("DER")));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
