package io.apimfleet.bundle.keystore;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Key managers that present exactly one key and its chain (a TLS client or server identity),
 * from a keystore held in memory only. It is JKS, not PKCS12: a PKCS12 store derives an entry's
 * encryption key with 10,000 PBKDF2 rounds on every set and every read, about 40 ms in a freshly
 * started JVM (measured), paid by every command and daemon start; nothing here is ever written.
 */
public final class SingleKeyManagers {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private SingleKeyManagers() {
    }

    public static KeyManagerFactory of(PrivateKey key, X509Certificate... chain) {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry("identity", key, IN_MEMORY, chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the key of " + chain[0].getSubjectX500Principal() + " in memory: " + e.getMessage(), e);
        }
    }
}
