package io.apimfleet.bundle.keystore;

import io.apimfleet.bundle.BundleException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One JKS store, opened for editing. {@link #changed()} tells whether its content (entries,
 * keys, certificates, password) differs from what was read; only then is it worth writing.
 */
public final class KeystoreEditor {
    private static final String TYPE = "JKS";

    private final String what;
    private final KeyStore store;
    private final char[] password;
    private final char[] openedWith;
    private boolean changed;

    private KeystoreEditor(String what, KeyStore store, char[] password, char[] openedWith) {
        this.what = what;
        this.store = store;
        this.password = password;
        this.openedWith = openedWith;
        this.changed = !Arrays.equals(password, openedWith);
    }

    /**
     * Opens {@code content} (null: a new, empty store) with {@code password}, else with the
     * first of {@code previous} that works; opened with an old one, the store counts as changed.
     */
    public static KeystoreEditor open(String what, byte[] content, String password, List<String> previous) {
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            if (content == null) {
                store.load(null, null);
                return new KeystoreEditor(what, store, password.toCharArray(), new char[0]);
            }
            List<String> candidates = new ArrayList<>();
            candidates.add(password);
            candidates.addAll(previous);
            for (String candidate : candidates) {
                try {
                    store.load(new ByteArrayInputStream(content), candidate.toCharArray());
                    return new KeystoreEditor(what, store, password.toCharArray(), candidate.toCharArray());
                } catch (IOException wrongPasswordOrNotAStore) {
                    store = KeyStore.getInstance(TYPE);
                }
            }
            throw new BundleException(what + " cannot be opened with this host's password or any previous one (or is not a JKS store)");
        } catch (GeneralSecurityException | IOException e) {
            throw new BundleException(what + ": " + e.getMessage());
        }
    }

    /** Makes {@code alias} hold this key and chain; with {@code onlyKey}, drops every other private key. */
    public void putKey(String alias, PrivateKey key, List<X509Certificate> chain, boolean onlyKey) {
        try {
            if (onlyKey) {
                for (String other : Collections.list(store.aliases())) {
                    if (!other.equalsIgnoreCase(alias) && store.isKeyEntry(other)) {
                        store.deleteEntry(other);
                        changed = true;
                    }
                }
            }
            if (sameKey(alias, key, chain)) {
                return;
            }
            store.setKeyEntry(alias, key, password, chain.toArray(Certificate[]::new));
            changed = true;
        } catch (GeneralSecurityException e) {
            throw new BundleException(what + ": cannot set key " + alias + ": " + e.getMessage());
        }
    }

    /** Makes each alias a trusted-certificate entry with that certificate; other entries stay. */
    public void putTrusted(Map<String, X509Certificate> certificates) {
        try {
            for (var e : certificates.entrySet()) {
                Certificate existing = store.isCertificateEntry(e.getKey()) ? store.getCertificate(e.getKey()) : null;
                if (existing != null && Arrays.equals(existing.getEncoded(), e.getValue().getEncoded())) {
                    continue;
                }
                if (store.containsAlias(e.getKey())) {
                    store.deleteEntry(e.getKey());
                }
                store.setCertificateEntry(e.getKey(), e.getValue());
                changed = true;
            }
        } catch (GeneralSecurityException e) {
            throw new BundleException(what + ": cannot add trusted certificates: " + e.getMessage());
        }
    }

    public boolean changed() {
        return changed;
    }

    /** The store as JKS bytes under the host's password; other key entries are re-protected with it too. */
    public byte[] toBytes() {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Key key = recoverKey(alias);
                    store.setKeyEntry(alias, key, password, store.getCertificateChain(alias));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new BundleException(what + ": cannot write the store: " + e.getMessage());
        }
    }

    /** Key entries share the store's password: the new one, or the one the store was opened with. */
    private Key recoverKey(String alias) throws GeneralSecurityException {
        try {
            return store.getKey(alias, password);
        } catch (java.security.UnrecoverableKeyException e) {
            return store.getKey(alias, openedWith);
        }
    }

    private boolean sameKey(String alias, PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        if (!store.isKeyEntry(alias)) {
            return false;
        }
        Key existing;
        try {
            existing = store.getKey(alias, password);
        } catch (java.security.UnrecoverableKeyException differentPassword) {
            return false;
        }
        Certificate[] existingChain = store.getCertificateChain(alias);
        if (existing == null || !Arrays.equals(existing.getEncoded(), key.getEncoded()) || existingChain == null
                || existingChain.length != chain.size()) {
            return false;
        }
        for (int i = 0; i < chain.size(); i++) {
            if (!Arrays.equals(existingChain[i].getEncoded(), chain.get(i).getEncoded())) {
                return false;
            }
        }
        return true;
    }
}
