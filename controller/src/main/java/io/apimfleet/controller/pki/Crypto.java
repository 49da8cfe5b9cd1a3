package io.apimfleet.controller.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Shared primitives: one BouncyCastle provider instance, one SecureRandom, SHA-256 and hex. */
final class Crypto {
    /** Named explicitly where the JDK's own providers fall short (verifying an EC CSR). */
    static final Provider BC = new BouncyCastleProvider();

    static final SecureRandom RANDOM = new SecureRandom();

    private Crypto() {
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String hex(byte[] data) {
        return HexFormat.of().formatHex(data);
    }

    /** {@code AB:CD:...}, as keytool and openssl print fingerprints. */
    static String colonHex(byte[] data) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(data);
    }
}
