package io.apimfleet.bundle.keystore;

import io.apimfleet.bundle.BundleException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text to keys and certificates with the JDK alone. Errors never quote the PEM. */
public final class PemMaterial {
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemMaterial() {
    }

    /** A PKCS#8 private key ({@code BEGIN PRIVATE KEY}), RSA or EC. */
    public static PrivateKey privateKey(String pem, String what) {
        Matcher m = PRIVATE_KEY.matcher(pem == null ? "" : pem);
        if (!m.find()) {
            throw new BundleException(what + " is not a PKCS#8 PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new BundleException(what + " is neither an RSA nor an EC private key");
    }

    public static List<X509Certificate> certificates(List<String> pems, String what) {
        List<X509Certificate> out = new ArrayList<>();
        for (String pem : pems) {
            out.addAll(certificates(pem, what));
        }
        return out;
    }

    public static List<X509Certificate> certificates(String pem, String what) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new BundleException(what + " holds no certificate");
            }
            return out;
        } catch (CertificateException e) {
            throw new BundleException(what + " is not a PEM certificate: " + e.getMessage());
        }
    }

    /** True when the private key signs what the certificate's public key verifies: they are one pair. */
    public static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        try {
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] challenge = new byte[32];
            new java.security.SecureRandom().nextBytes(challenge);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
