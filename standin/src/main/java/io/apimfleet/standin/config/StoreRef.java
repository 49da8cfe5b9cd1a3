package io.apimfleet.standin.config;

import java.nio.file.Path;

/**
 * Where a config file points at a store, with what it says the passwords are.
 *
 * @param file        the store, {@code ${carbon.home}} resolved
 * @param type        JKS or PKCS12
 * @param password    store password, as the config gives it
 * @param keyPassword key password, or null for "same as the store's"
 * @param alias       the key alias the config names, or null
 * @param source      which file and element named it (said in errors, instead of any password)
 */
public record StoreRef(Path file, String type, String password, String keyPassword, String alias, String source) {
    /** Passwords are never printed, not even by accident in a log line. */
    @Override
    public String toString() {
        return file + " (" + type + (alias != null ? ", alias " + alias : "") + ", from " + source + ")";
    }
}
