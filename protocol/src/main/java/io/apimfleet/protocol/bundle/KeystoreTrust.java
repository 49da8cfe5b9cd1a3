package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;
import java.util.Map;

/**
 * Adds (or replaces) trusted-certificate entries, alias to PEM, keeping every other entry:
 * a trust store keeps the public CAs the product ships.
 */
@JsonTypeName("keystore.trust")
public record KeystoreTrust(String path, String password, List<String> previousPasswords,
                            Map<String, String> certificates) implements KeystoreOperation {
    public KeystoreTrust {
        previousPasswords = previousPasswords == null ? List.of() : List.copyOf(previousPasswords);
        certificates = certificates == null ? Map.of() : Map.copyOf(certificates);
    }

    @Override
    public String describe() {
        return op() + " " + path + " " + String.join(",", new java.util.TreeSet<>(certificates.keySet()));
    }
}
