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
