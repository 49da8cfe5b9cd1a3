package io.apimfleet.e2e;

import io.apimfleet.controller.pki.Keys;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/**
 * Stores shaped like the ones API-M ships (the real ones are binary and not among the fixtures):
 * password {@code wso2carbon}; {@code wso2carbon.jks} with a {@code CN=localhost} key and public
 * CA certificates; {@code client-truststore.jks} with the same certificate and a few CAs.
 */
final class ShippedStores {
    static final String PASSWORD = "wso2carbon";

    private ShippedStores() {
    }

    static void write(Path security) throws Exception {
        Files.createDirectories(security);
        KeyPair localhost = Keys.rsa(2048);
        X509Certificate localhostCert = selfSigned("CN=localhost, O=WSO2, L=Mountain View, ST=CA, C=US", localhost, false);
        KeyStore primary = empty();
        primary.setKeyEntry("wso2carbon", localhost.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {localhostCert});
        KeyStore trust = empty();
        trust.setCertificateEntry("wso2carbon", localhostCert);
        for (int i = 1; i <= 4; i++) {
            X509Certificate publicCa = selfSigned("CN=Public Root " + i + ", O=Example Trust", Keys.rsa(2048), true);
            primary.setCertificateEntry("publicroot" + i, publicCa);
            trust.setCertificateEntry("publicroot" + i, publicCa);
        }
        Files.write(security.resolve("wso2carbon.jks"), bytes(primary));
        Files.write(security.resolve("client-truststore.jks"), bytes(trust));
    }

    private static KeyStore empty() throws Exception {
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        return store;
    }

    private static byte[] bytes(KeyStore store) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, PASSWORD.toCharArray());
        return out.toByteArray();
    }

    private static X509Certificate selfSigned(String subject, KeyPair keys, boolean ca) throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name(subject), BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime())),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(3650, ChronoUnit.DAYS)), new X500Name(subject), keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }
}
