package io.apimfleet.agent.enroll;

import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.keystore.PemMaterial;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Optional;

/**
 * Makes this host's key pairs and the CSRs for them. The product TLS key is RSA 2048 (API-M 2.2.0
 * runs on Java 8) and is kept as the host secret {@value #TLS_KEY}, where keystore operations
 * find it; the fleet identity key is EC P-256. The CA decides subject and names; the CSR only
 * proves possession of the key.
 */
public final class HostKeys {
    /** The host secret holding the product TLS private key (PKCS#8 PEM). */
    public static final String TLS_KEY = "tls-key";
    /** The host secret holding the fleet identity private key (PKCS#8 PEM). */
    public static final String IDENTITY_KEY = "identity-key";
    /**
     * The host secret holding an identity key whose certificate has not arrived yet (join, renewal):
     * the current key stays usable until the new certificate is stored, then this one replaces it.
     */
    public static final String IDENTITY_KEY_NEXT = "identity-key-next";

    private final HostSecrets secrets;

    public HostKeys(HostSecrets secrets) {
        this.secrets = secrets;
    }

    /** A new TLS key pair (replacing any previous one, as rotation does) and its CSR, as PEM. */
    public String newTlsRequest(String commonName) {
        KeyPair keys = generate("RSA");
        secrets.put(TLS_KEY, pem(keys.getPrivate()));
        return pem(request(commonName, keys, "SHA256withRSA"));
    }

    /** Makes the host's product TLS key when it has none (at join, so that a rollout does not wait for it). */
    public void ensureTlsKey() {
        if (secrets.lookupExisting(TLS_KEY).isEmpty()) {
            secrets.put(TLS_KEY, pem(generate("RSA").getPrivate()));
        }
    }

    /**
     * A CSR for the host's product TLS key: the key kept as {@value #TLS_KEY} when there is one
     * and {@code newKey} is false (so a certificate already issued for it stays valid), else a new one.
     */
    public String tlsRequest(String commonName, boolean newKey) {
        Optional<String> kept = newKey ? Optional.empty() : secrets.lookupExisting(TLS_KEY);
        if (kept.isEmpty()) {
            return newTlsRequest(commonName);
        }
        try {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) PemMaterial.privateKey(kept.get(), "the host's TLS key");
            PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            return pem(request(commonName, new KeyPair(publicKey, key), "SHA256withRSA"));
        } catch (GeneralSecurityException | ClassCastException | BundleException e) {
            return newTlsRequest(commonName);   // an unreadable or non-RSA key is replaced, as rotation would
        }
    }

    /** A new identity key pair for joining the fleet, and its CSR, as PEM. */
    public String newIdentityRequest(String nodeName) {
        KeyPair keys = newIdentityKeys();
        secrets.put(IDENTITY_KEY, pem(keys.getPrivate()));
        return identityRequest(nodeName, keys);
    }

    /**
     * A new identity key pair kept aside as {@value #IDENTITY_KEY_NEXT} (the current identity, if
     * any, stays untouched), and its CSR, as PEM. {@link AgentState#promotePendingKey()} makes it current.
     */
    public String newPendingIdentityRequest(String nodeName) {
        KeyPair keys = newIdentityKeys();
        secrets.put(IDENTITY_KEY_NEXT, pem(keys.getPrivate()));
        return identityRequest(nodeName, keys);
    }

    /** A new fleet identity key pair (EC P-256), kept nowhere: for joins that store nothing ({@link Join#joinInMemory}). */
    public static KeyPair newIdentityKeys() {
        return generate("EC");
    }

    /** The identity CSR (CN = {@code nodeName}) for {@code keys}, as PEM. */
    public static String identityRequest(String nodeName, KeyPair keys) {
        return pem(request(nodeName, keys, "SHA256withECDSA"));
    }

    /**
     * The public key a CSR made here asks to be certified, as DER SubjectPublicKeyInfo: the key an
     * issued certificate must carry ({@link java.security.PublicKey#getEncoded()} of its key).
     */
    static byte[] requestedKey(String csrPem) {
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            if (parser.readObject() instanceof PKCS10CertificationRequest request) {
                return request.getSubjectPublicKeyInfo().getEncoded();
            }
            throw new IllegalArgumentException("not a certificate request made here");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair generate(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make " + algorithm + " keys", e);
        }
    }

    private static PKCS10CertificationRequest request(String commonName, KeyPair keys, String signature) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName), keys.getPublic())
                    .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request", e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            // Private keys as PKCS#8 ("BEGIN PRIVATE KEY"), the form the keystore operations read.
            writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null).generate() : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
