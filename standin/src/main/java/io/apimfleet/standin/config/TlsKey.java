package io.apimfleet.standin.config;

import javax.net.ssl.KeyManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** A private key and its chain, taken out of a store, as one listener presents it. */
public final class TlsKey {
    private final String alias;
    private final PrivateKey key;
    private final X509Certificate[] chain;
    private final StoreRef from;

    TlsKey(String alias, PrivateKey key, X509Certificate[] chain, StoreRef from) {
        this.alias = alias;
        this.key = key;
        this.chain = chain.clone();
        this.from = from;
    }

    public String alias() {
        return alias;
    }

    public X509Certificate certificate() {
        return chain[0];
    }

    public StoreRef from() {
        return from;
    }

    /** Key managers holding only this entry, so the listener cannot pick another alias. */
    public KeyManagerFactory keyManagers() {
        try {
            char[] transientPassword = "standin".toCharArray();
            // JKS, as the product's own stores: a PKCS12 store would spend 10,000 PBKDF2 rounds on
            // this transient entry twice, about 40 ms per listener in a JVM that just started.
            KeyStore single = KeyStore.getInstance("JKS");
            single.load(null, null);
            single.setKeyEntry("key", key, transientPassword, (Certificate[]) chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(single, transientPassword);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new ConfigException("cannot use the key '" + alias + "' of " + from.file() + ": " + e.getMessage(), e);
        }
    }

    /** Never the key itself. */
    @Override
    public String toString() {
        return "key '" + alias + "' " + certificate().getSubjectX500Principal() + " from " + from.file();
    }
}
