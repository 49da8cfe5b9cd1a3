package io.apimfleet.controller.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key pairs made with the JDK's providers (so TLS and keytool take them as they are). */
public final class Keys {
    private Keys() {
    }

    /** EC on secp256r1 (P-256): the fleet CA, the admin and agent identities. */
    public static KeyPair ecP256() {
        return ec("secp256r1");
    }

    /** EC on secp384r1 (P-384). */
    public static KeyPair ecP384() {
        return ec("secp384r1");
    }

    /** RSA of {@code bits} (the product CA uses 3072: API-M 2.2.0 runs on Java 8). */
    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, Crypto.RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA " + bits + " key pair: " + e.getMessage(), e);
        }
    }

    /** A PKCS#10 request for {@code keys} (SHA256withECDSA or SHA256withRSA), as PEM: the key's proof of possession. */
    public static String csr(KeyPair keys, org.bouncycastle.asn1.x500.X500Name subject) {
        String algorithm = keys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(algorithm).build(keys.getPrivate());
            return Pem.write(new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic()).build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request with " + algorithm + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve), Crypto.RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC " + curve + " key pair: " + e.getMessage(), e);
        }
    }
}
