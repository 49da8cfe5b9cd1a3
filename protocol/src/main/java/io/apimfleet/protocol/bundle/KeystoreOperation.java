package io.apimfleet.protocol.bundle;

import java.util.List;

/**
 * An operation on one Java keystore (JKS, which API-M 2.x on Java 8 reads). The store is opened
 * with {@code password}, or else with one of {@code previousPasswords} (the product ships its
 * stores with {@code wso2carbon}), and always written back with {@code password}; key entries
 * share the store's password. Stores are compared by content, never by bytes.
 */
public sealed interface KeystoreOperation extends Operation permits KeystoreKey, KeystoreTrust {
    String path();

    String password();

    List<String> previousPasswords();

    @Override
    default List<String> paths() {
        return List.of(path());
    }
}
