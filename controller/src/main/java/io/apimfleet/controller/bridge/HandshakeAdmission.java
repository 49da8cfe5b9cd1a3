package io.apimfleet.controller.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * How many new agent handshakes the bridge takes on per second. A mutual-TLS handshake costs the
 * controller an ECDHE, a signature and a chain verification; when thousands of agents come back
 * at once (a controller restart) and the controller takes them all, each waits behind the others
 * until it times out, and the work done for abandoned handshakes leaves nothing for the rest
 * (measured: 303 of 10,000 links back after 240 s). So each handshake asks for a token at its
 * first costly step, the choice of the server's key, and one that finds none fails there at once
 * (the agent sees a {@code handshake_failure} alert and backs off) instead of queueing.
 * Tokens refill at {@code perSecond} up to one second's worth; resumed sessions never ask.
 */
final class HandshakeAdmission {
    private static final Logger LOG = Logger.getLogger(HandshakeAdmission.class.getName());
    /** Marks a handshake that was admitted (or turned away), so the key manager's later calls for other key types agree. */
    private static final String VERDICT = "apim-fleet.admitted";
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final double perSecond;
    private final LongSupplier nanoClock;
    private final AtomicLong refused = new AtomicLong();
    private double tokens;
    private long refilledAt;
    private long reportedAt;
    private long refusedAtReport;

    HandshakeAdmission(int perSecond, LongSupplier nanoClock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("at least one handshake per second, not " + perSecond);
        }
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.tokens = perSecond;
        this.refilledAt = nanoClock.getAsLong();
        this.reportedAt = refilledAt;
    }

    /** True when a new handshake may go on now; false when this second's share is taken. */
    synchronized boolean admit() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(perSecond, tokens + (now - refilledAt) / 1e9 * perSecond);
        refilledAt = now;
        boolean admitted = tokens >= 1;
        if (admitted) {
            tokens -= 1;
        } else {
            refused.incrementAndGet();
        }
        if (now - reportedAt >= REPORT_EVERY.toNanos() && refused.get() > refusedAtReport) {
            LOG.info("bridge: turned away " + (refused.get() - refusedAtReport) + " agent handshakes in the last "
                    + Math.round((now - reportedAt) / 1e9) + " s: more than " + (long) perSecond
                    + " a second arrived (they back off and come again)");
            reportedAt = now;
            refusedAtReport = refused.get();
        }
        return admitted;
    }

    /** Handshakes turned away since the start. */
    long refused() {
        return refused.get();
    }

    /** {@code identity} with this admission in front of its key choice. */
    KeyCertOptions guarding(KeyCertOptions identity) {
        return new Guarded(identity, this);
    }

    /** The verdict of the handshake {@code engine} runs: asked once, remembered for its other key types. */
    private boolean admits(SSLEngine engine) {
        SSLSession session = engine == null ? null : engine.getHandshakeSession();
        if (session == null) {
            return admit();
        }
        Object verdict = session.getValue(VERDICT);
        if (verdict instanceof Boolean given) {
            return given;
        }
        boolean admitted = admit();
        session.putValue(VERDICT, admitted);
        return admitted;
    }

    private static final class Guarded implements KeyCertOptions {
        private static final Provider PROVIDER = new Provider("apim-fleet-admission", "1.0", "the bridge's handshake admission") {
            private static final long serialVersionUID = 1L;
        };
        private final KeyCertOptions identity;
        private final HandshakeAdmission admission;

        Guarded(KeyCertOptions identity, HandshakeAdmission admission) {
            this.identity = identity;
            this.admission = admission;
        }

        @Override
        public KeyCertOptions copy() {
            return this;   // immutable
        }

        @Override
        public KeyManagerFactory getKeyManagerFactory(Vertx vertx) throws Exception {
            KeyManager[] managers = identity.getKeyManagerFactory(vertx).getKeyManagers();
            if (managers.length != 1 || !(managers[0] instanceof X509ExtendedKeyManager key)) {
                throw new IllegalStateException("expected one X509 key manager for the bridge's identity");
            }
            KeyManager guarded = new GuardedKeyManager(key, admission);
            return new KeyManagerFactory(new KeyManagerFactorySpi() {
                @Override
                protected void engineInit(KeyStore keyStore, char[] password) {
                    // fixed: nothing to load
                }

                @Override
                protected void engineInit(ManagerFactoryParameters parameters) {
                    // fixed: nothing to load
                }

                @Override
                protected KeyManager[] engineGetKeyManagers() {
                    return new KeyManager[] {guarded};
                }
            }, PROVIDER, "apim-fleet") {
            };
        }

        @Override
        public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) throws Exception {
            KeyManagerFactory factory = getKeyManagerFactory(vertx);
            return serverName -> factory;
        }
    }

    private static final class GuardedKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager key;
        private final HandshakeAdmission admission;

        GuardedKeyManager(X509ExtendedKeyManager key, HandshakeAdmission admission) {
            this.key = key;
            this.admission = admission;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return admission.admits(engine) ? key.chooseEngineServerAlias(keyType, issuers, engine) : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return admission.admit() ? key.chooseServerAlias(keyType, issuers, socket) : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return key.getServerAliases(keyType, issuers);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return key.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return key.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return key.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return key.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key.getPrivateKey(alias);
        }
    }
}
