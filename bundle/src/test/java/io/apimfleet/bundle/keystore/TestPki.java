package io.apimfleet.bundle.keystore;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Certificates for keystore tests: a CA and leaves it signs (BouncyCastle, test scope only). */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    public record Issued(KeyPair keys, X509Certificate certificate) {
        public String keyPem() {
            return pem(keys.getPrivate());
        }

        public String certificatePem() {
            return pem(certificate);
        }
    }

    private TestPki() {
    }

    public static Issued ca(String name) {
        KeyPair keys = rsa();
        return new Issued(keys, sign(name, keys, name, keys.getPrivate(), true));
    }

    public static Issued leaf(String name, Issued ca) {
        KeyPair keys = rsa();
        return new Issued(keys, sign(name, keys, ca.certificate().getSubjectX500Principal().getName(), ca.keys().getPrivate(), false));
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String subject, KeyPair keys, String issuer, PrivateKey issuerKey, boolean ca) {
        try {
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer.startsWith("CN=") ? issuer : "CN=" + issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + subject), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Object object) {
        try {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(object instanceof PrivateKey key
                        ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
