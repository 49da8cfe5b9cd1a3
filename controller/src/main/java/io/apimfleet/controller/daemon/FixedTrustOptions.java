package io.apimfleet.controller.daemon;

import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.security.KeyStore;
import java.security.Provider;
import java.util.function.Function;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/**
 * Vert.x trust options around one trust manager (the revocation-checking one). Vert.x 5.0.7's own
 * {@code TrustOptions.wrap(TrustManager)} needs SLF4J on the class path, which the controller
 * does not carry; this does the same with the JDK alone. Immutable, so {@link #copy()} is itself.
 */
final class FixedTrustOptions implements TrustOptions {
    private static final Provider PROVIDER = new Provider("apim-fleet-trust", "1.0", "the controller's fleet CA trust") {
        private static final long serialVersionUID = 1L;
    };

    private final TrustManager manager;

    FixedTrustOptions(TrustManager manager) {
        this.manager = manager;
    }

    @Override
    public TrustOptions copy() {
        return this;
    }

    @Override
    public TrustManagerFactory getTrustManagerFactory(Vertx vertx) {
        return new Factory(manager);
    }

    @Override
    public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) {
        return serverName -> new TrustManager[] {manager};
    }

    private static final class Factory extends TrustManagerFactory {
        Factory(TrustManager manager) {
            super(new Spi(manager), PROVIDER, "apim-fleet");
        }
    }

    private static final class Spi extends TrustManagerFactorySpi {
        private final TrustManager manager;

        Spi(TrustManager manager) {
            this.manager = manager;
        }

        @Override
        protected void engineInit(KeyStore keyStore) {
            // fixed: nothing to load
        }

        @Override
        protected void engineInit(ManagerFactoryParameters parameters) {
            // fixed: nothing to load
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {manager};
        }
    }
}
