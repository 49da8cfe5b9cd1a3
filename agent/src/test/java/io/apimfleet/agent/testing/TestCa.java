package io.apimfleet.agent.testing;

import io.apimfleet.agent.enroll.CaPin;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** A test fleet CA (EC P-256, BouncyCastle): server certificates for the fake controller, agent certificates from CSRs. */
public final class TestCa {
    private static final char[] PASSWORD = "test".toCharArray();

    /** @param issuers the CA that signed it, then that CA's issuers up to the root */
    public record Issued(KeyPair keys, X509Certificate certificate, List<X509Certificate> issuers) {
        /** Key managers presenting this certificate with its issuers in the chain. */
        public KeyManagerFactory keyManagers() throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            List<X509Certificate> chain = new java.util.ArrayList<>();
            chain.add(certificate);
            chain.addAll(issuers);
            store.setKeyEntry("key", keys.getPrivate(), PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, PASSWORD);
            return factory;
        }
    }

    private final KeyPair keys;
    private final X509Certificate certificate;
    /** This CA's certificate, then its issuers up to the root (the root alone for a root). */
    private final List<X509Certificate> chain;

    private TestCa(KeyPair keys, List<X509Certificate> chain) {
        this.keys = keys;
        this.certificate = chain.get(0);
        this.chain = List.copyOf(chain);
    }

    /**
     * An intermediate CA this CA signs (path length 0), as a controller that joined the fleet
     * holds: it issues the server and agent certificates; trust and the pin stay this root's.
     */
    public TestCa intermediate(String name) throws Exception {
        KeyPair intermediateKeys = ec();
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name(), serial(), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(3650))), new X500Name("CN=" + name), intermediateKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        List<X509Certificate> intermediateChain = new java.util.ArrayList<>();
        intermediateChain.add(sign(builder, keys));
        intermediateChain.addAll(chain);
        return new TestCa(intermediateKeys, intermediateChain);
    }

    /** The root at the end of this CA's chain: the trust anchor and the pin. */
    public X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    /** The intermediates between a certificate this CA issues and the root (none for a root). */
    public List<X509Certificate> intermediates() {
        return chain.subList(0, chain.size() - 1);
    }

    public static TestCa create(String name) throws Exception {
        KeyPair keys = ec();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name);
        var builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(3650))), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestCa(keys, List.of(sign(builder, keys)));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** {@code sha256:<hex>} of the root, as {@code fleet ca show} prints it. */
    public String pin() {
        return CaPin.of(root()).toString();
    }

    public TrustManagerFactory trustManagers() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", root());
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory;
    }

    /** A TLS server certificate; names that look like IPv4 addresses become IP SANs. */
    public Issued server(String... names) throws Exception {
        KeyPair serverKeys = ec();
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name(), serial(), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + names[0]), serverKeys.getPublic());
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            sans[i] = new GeneralName(names[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(serverKeys, sign(builder, keys), chain);
    }

    /** An agent certificate for a CSR: the CSR's CN, clientAuth, valid from {@code notBefore} for {@code life}. */
    public X509Certificate agent(String csrPem, Instant notBefore, Duration life) throws Exception {
        JcaPKCS10CertificationRequest csr = csr(csrPem);
        return agent(csr.getSubject(), csr.getPublicKey(), notBefore, life);
    }

    public X509Certificate agent(X500Name subject, PublicKey key, Instant notBefore, Duration life) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(name(), serial(), Date.from(notBefore), Date.from(notBefore.plus(life)),
                subject, key);
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return sign(builder, keys);
    }

    public static JcaPKCS10CertificationRequest csr(String pem) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return new JcaPKCS10CertificationRequest((PKCS10CertificationRequest) parser.readObject());
        }
    }

    public static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof java.security.PrivateKey key ? new JcaPKCS8Generator(key, null).generate() : object);
        }
        return out.toString();
    }

    public static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private X500Name name() {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }
}
