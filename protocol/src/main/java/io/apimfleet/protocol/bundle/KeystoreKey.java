package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;

/**
 * Makes {@code alias} the private-key entry {@code key} (PKCS#8 PEM, usually a secret reference)
 * with certificate {@code chain} (PEM, leaf first). {@code onlyKey} removes every other private
 * key, for stores whose listeners present the first key they find. Creates the store if missing.
 */
@JsonTypeName("keystore.key")
public record KeystoreKey(String path, String password, List<String> previousPasswords, String alias, String key,
                          List<String> chain, boolean onlyKey) implements KeystoreOperation {
    public KeystoreKey {
        previousPasswords = previousPasswords == null ? List.of() : List.copyOf(previousPasswords);
        chain = chain == null ? List.of() : List.copyOf(chain);
    }

    @Override
    public String describe() {
        return op() + " " + path + " " + alias;
    }
}
