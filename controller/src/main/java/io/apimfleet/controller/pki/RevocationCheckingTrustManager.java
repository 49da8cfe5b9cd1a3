package io.apimfleet.controller.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import io.apimfleet.bundle.keystore.SingleCaTrust;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A trust manager that first lets its delegate validate the chain (PKIX against the fleet CA),
 * then refuses any certificate of the chain that is on the {@link RevocationList}. The controller
 * puts it on every TLS listener agents connect to, so a removed agent is refused at its next
 * handshake (with TLS 1.3 the client sees that at its first read).
 */
public final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final RevocationList revocations;

    public RevocationCheckingTrustManager(X509TrustManager delegate, RevocationList revocations) {
        this.delegate = delegate;
        this.revocations = revocations;
    }

    /** PKIX trust in {@code ca} alone, plus the revocation check: what the agent listeners use. */
    public static RevocationCheckingTrustManager trusting(X509Certificate ca, RevocationList revocations) {
        for (TrustManager manager : SingleCaTrust.of(ca).getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return new RevocationCheckingTrustManager(x509, revocations);
            }
        }
        throw new IllegalStateException("the PKIX trust manager factory made no X509TrustManager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
        refuseRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkClientTrusted(chain, authType, socket);
        } else {
            delegate.checkClientTrusted(chain, authType);
        }
        refuseRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkClientTrusted(chain, authType, engine);
        } else {
            delegate.checkClientTrusted(chain, authType);
        }
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkServerTrusted(chain, authType, socket);
        } else {
            delegate.checkServerTrusted(chain, authType);
        }
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkServerTrusted(chain, authType, engine);
        } else {
            delegate.checkServerTrusted(chain, authType);
        }
        refuseRevoked(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private void refuseRevoked(X509Certificate[] chain) throws CertificateException {
        try {
            for (X509Certificate certificate : chain) {
                if (revocations.isRevoked(certificate)) {
                    throw new CertificateException("certificate " + certificate.getSubjectX500Principal().getName()
                            + " (serial " + certificate.getSerialNumber().toString(16) + ") is revoked");
                }
            }
        } catch (ControllerStateException e) {
            // fail closed: without the revocation list nobody is let in
            throw new CertificateException("cannot check revocation: " + e.getMessage(), e);
        }
    }
}
