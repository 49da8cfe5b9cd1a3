package io.apimfleet.bundle.keystore;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/** PKIX trust managers that accept exactly the chains ending at one CA (the fleet CA, say). */
public final class SingleCaTrust {
    private SingleCaTrust() {
    }

    public static TrustManagerFactory of(X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("fleet-ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store for " + ca.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }
}
