package io.apimfleet.controller.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets at rest in the controller's state: AES-256-GCM under {@code master.key}. A sealed value
 * is {@code nonce (12 random bytes) || ciphertext || tag (16 bytes)}; any change to it makes
 * {@link #open} fail with {@link SealedDataException}.
 */
public final class SecretBox {
    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;

    SecretBox(byte[] masterKey) {
        if (masterKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("the master key must be " + KEY_BYTES + " bytes, not " + masterKey.length);
        }
        this.key = new SecretKeySpec(masterKey, "AES");
    }

    /** The box for a {@code master.key} file (32 raw bytes). */
    static SecretBox load(Path masterKeyFile) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(masterKeyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key " + masterKeyFile + ": " + e.getMessage(), e);
        }
        try {
            return new SecretBox(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    static byte[] newMasterKey() {
        byte[] key = new byte[KEY_BYTES];
        Crypto.RANDOM.nextBytes(key);
        return key;
    }

    public byte[] seal(byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        Crypto.RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = Arrays.copyOf(nonce, NONCE_BYTES + cipher.getOutputSize(plain.length));
            cipher.doFinal(plain, 0, plain.length, sealed, NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available: " + e.getMessage(), e);
        }
    }

    public byte[] open(byte[] sealed) {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SealedDataException("sealed data is truncated", null);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SealedDataException("sealed data does not open: tampered with, or sealed under another master key", e);
        } catch (GeneralSecurityException e) {
            throw new SealedDataException("sealed data does not open: " + e.getMessage(), e);
        }
    }

    /** Seals {@code plain} into {@code file} atomically, mode 0600. */
    public void writeSealed(Path file, byte[] plain) {
        SecureFiles.writePrivate(file, seal(plain));
    }

    public byte[] readSealed(Path file) {
        try {
            return open(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
