package io.apimfleet.e2e;

import io.apimfleet.controller.pki.ControllerState;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.security.KeyStore;

/** A TLS client context that trusts exactly the cluster's product CA: what a user of the endpoints would configure. */
final class ProductCaTrust {
    private ProductCaTrust() {
    }

    static SSLContext of(Path controllerState) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("product-ca", ControllerState.open(controllerState).productCa().certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return tls;
    }
}
