package io.apimfleet.agent.enroll;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import io.apimfleet.bundle.keystore.SingleCaTrust;
import io.apimfleet.bundle.keystore.SingleKeyManagers;

import javax.net.ssl.TrustManagerFactory;

/**
 * This agent's fleet identity: its key, the certificate issued for it (CN = node), the
 * intermediates between that certificate and the fleet CA (the intermediate of the controller
 * that enrolled it, when that controller joined the fleet; else none), and the fleet CA (the
 * root), the only one it trusts on the control plane.
 */
public record Identity(String node, PrivateKey key, X509Certificate certificate, X509Certificate ca, List<X509Certificate> issuers) {
    public Identity {
        issuers = List.copyOf(issuers);
    }

    /** An identity the fleet CA signed itself. */
    public Identity(String node, PrivateKey key, X509Certificate certificate, X509Certificate ca) {
        this(node, key, certificate, ca, List.of());
    }

    /** The certificate, then its issuers below the fleet CA: what this agent presents. */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuers);
        return List.copyOf(chain);
    }

    /** Key managers presenting this identity as a TLS client certificate. */
    public KeyManagerFactory keyManagers() {
        return SingleKeyManagers.of(key, chain().toArray(X509Certificate[]::new));
    }

    public TrustManagerFactory trustManagers() {
        return trustOnly(ca);
    }

    /** A TLS context presenting this identity and trusting only the fleet CA. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers().getKeyManagers(), trustManagers().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trust managers that accept exactly the chains ending at {@code ca} (PKIX). */
    public static TrustManagerFactory trustOnly(X509Certificate ca) {
        return SingleCaTrust.of(ca);
    }

    /** A TLS context without a client certificate that trusts only {@code ca} (for joining). */
    public static SSLContext trusting(X509Certificate ca) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustOnly(ca).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** When the certificate is due for renewal: two thirds into its life (the controller's rule too). */
    public Instant renewalDue() {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Duration life = Duration.between(notBefore, notAfter());
        return notBefore.plus(life.multipliedBy(2).dividedBy(3));
    }
}
