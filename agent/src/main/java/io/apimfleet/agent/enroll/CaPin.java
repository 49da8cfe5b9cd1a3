package io.apimfleet.agent.enroll;

import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fleet CA pin of {@code --ca-hash sha256:<hex>}: the SHA-256 of the CA certificate's DER
 * SubjectPublicKeyInfo, as kubeadm's {@code --discovery-token-ca-cert-hash}. Recompute it with
 * {@code openssl x509 -in ca.crt -pubkey -noout | openssl pkey -pubin -outform der | sha256sum}.
 */
public record CaPin(String hex) {
    private static final String PREFIX = "sha256:";

    public CaPin {
        hex = hex.toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a CA pin is sha256: and 64 hex digits");
        }
    }

    /** Parses {@code sha256:<64 hex digits>}; the error says what is expected, never guesses. */
    public static CaPin parse(String text) {
        String t = text == null ? "" : text.strip();
        if (!t.toLowerCase(Locale.ROOT).startsWith(PREFIX) || !t.substring(PREFIX.length()).matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("--ca-hash must be sha256:<64 hex digits> (as `fleet ca show` prints it)");
        }
        return new CaPin(t.substring(PREFIX.length()));
    }

    /** The pin of a certificate's public key. */
    public static CaPin of(X509Certificate certificate) {
        try {
            byte[] spki = new JcaX509CertificateHolder(certificate).getSubjectPublicKeyInfo().getEncoded("DER");
            return new CaPin(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki)));
        } catch (CertificateEncodingException | IOException e) {
            throw new IllegalArgumentException("cannot encode certificate " + certificate.getSubjectX500Principal() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean matches(X509Certificate certificate) {
        return of(certificate).equals(this);
    }

    /** The CA certificate of {@code chain} with this pin: only certificates that are CAs count. */
    public Optional<X509Certificate> findIn(List<X509Certificate> chain) {
        return chain.stream().filter(c -> c.getBasicConstraints() >= 0).filter(this::matches).findFirst();
    }

    @Override
    public String toString() {
        return PREFIX + hex;
    }
}
