package io.apimfleet.bundle;

import com.fasterxml.jackson.core.type.TypeReference;
import io.apimfleet.bundle.stage.Durable;
import io.apimfleet.protocol.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Secrets that exist only on this host, in one 0600 file of its state directory: store passwords
 * (made here on first use, so every file that names a store gets the same one) and the host's
 * own private keys. Nothing here is ever sent anywhere.
 */
public final class HostSecrets {
    /** Names ending so are passwords, generated when first asked for. */
    public static final String PASSWORD_SUFFIX = "-password";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24;

    private final Path file;
    private final SecureRandom random = new SecureRandom();

    public HostSecrets(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The secret, generating a password the first time one is asked for. */
    public synchronized Optional<String> lookup(String name) {
        Map<String, String> all = read();
        if (!all.containsKey(name) && name.endsWith(PASSWORD_SUFFIX)) {
            put(name, newPassword());
            return Optional.of(read().get(name));
        }
        return Optional.ofNullable(all.get(name));
    }

    /** The secret if this host already has it; never makes one. */
    public synchronized Optional<String> lookupExisting(String name) {
        return Optional.ofNullable(read().get(name));
    }

    /** Stores a secret made on this host (a private key's PEM, say). */
    public synchronized void put(String name, String value) {
        Map<String, String> all = read();
        all.put(name, value);
        try {
            Durable.write(file, Json.mapper().writeValueAsBytes(all), 0600);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> read() {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return new TreeMap<>(Json.mapper().readValue(file.toFile(), new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new BundleException("host secrets file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private String newPassword() {
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
