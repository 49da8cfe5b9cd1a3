package io.apimfleet.standin.config;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Opens the stores a home names, the way Carbon does: with the passwords its config gives. A store
 * that does not open is fatal for the product, so every failure names the file and the config
 * element that gave the password (never the password).
 */
public final class Stores {
    private Stores() {
    }

    public static KeyStore open(StoreRef ref) {
        try (InputStream in = Files.newInputStream(ref.file())) {
            KeyStore store = KeyStore.getInstance(ref.type() == null || ref.type().isBlank() ? "JKS" : ref.type());
            store.load(in, ref.password() == null ? null : ref.password().toCharArray());
            return store;
        } catch (NoSuchFileException e) {
            throw new ConfigException("keystore " + ref.file() + " (named in " + ref.source() + ") does not exist");
        } catch (IOException e) {
            // KeyStore.load reports a wrong password as an IOException ("password was incorrect").
            throw new ConfigException("cannot open keystore " + ref.file() + " with the password given in "
                    + ref.source() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot open keystore " + ref.file() + " (named in " + ref.source() + "): " + e.getMessage(), e);
        }
    }

    /**
     * The key a listener presents: the store's only key entry when it has exactly one, else the
     * alias the config names.
     */
    public static TlsKey key(StoreRef ref) {
        KeyStore store = open(ref);
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            String alias;
            if (keyAliases.size() == 1) {
                alias = keyAliases.get(0);
            } else if (ref.alias() != null && keyAliases.contains(ref.alias())) {
                alias = ref.alias();
            } else {
                throw new ConfigException("keystore " + ref.file() + " holds " + keyAliases.size() + " key entries " + keyAliases
                        + (ref.alias() == null ? " and " + ref.source() + " names no alias" : " but not the alias '" + ref.alias()
                        + "' that " + ref.source() + " names"));
            }
            String keyPassword = ref.keyPassword() != null ? ref.keyPassword() : ref.password();
            Key key = store.getKey(alias, keyPassword == null ? new char[0] : keyPassword.toCharArray());
            if (!(key instanceof PrivateKey privateKey)) {
                throw new ConfigException("entry '" + alias + "' of keystore " + ref.file() + " is not a private key");
            }
            Certificate[] chain = store.getCertificateChain(alias);
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509[i] = (X509Certificate) chain[i];
            }
            return new TlsKey(alias, privateKey, x509, ref);
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException("cannot recover the private key in keystore " + ref.file()
                    + " with the key password given in " + ref.source() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot read the private key in keystore " + ref.file() + ": " + e.getMessage(), e);
        }
    }

    public static TrustManagerFactory trust(StoreRef ref) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(open(ref));
            return factory;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot use trust store " + ref.file() + ": " + e.getMessage(), e);
        }
    }
}
