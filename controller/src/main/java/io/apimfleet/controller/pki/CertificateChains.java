package io.apimfleet.controller.pki;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Whether a presented chain leads to one of the controller's roots: the leaf, then (on a
 * controller that joined) the intermediate that signed it, each certificate signed by the next and
 * the last by the root; every issuer in between a CA. A root given at the end is ignored. TLS has
 * already done this (PKIX) for the listeners; the routes that decide by the certificate (admin,
 * renewal) ask again so that a certificate alone never stands for its chain.
 */
public final class CertificateChains {
    private CertificateChains() {
    }

    /** True when {@code chain} (leaf first) leads to {@code root}. */
    public static boolean leadsTo(X509Certificate root, List<X509Certificate> chain) {
        if (chain == null || chain.isEmpty()) {
            return false;
        }
        List<X509Certificate> path = chain.get(chain.size() - 1).equals(root) ? chain.subList(0, chain.size() - 1) : chain;
        if (path.isEmpty()) {
            return false;
        }
        try {
            for (int i = 0; i < path.size(); i++) {
                X509Certificate certificate = path.get(i);
                X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : root;
                if (issuer != root && issuer.getBasicConstraints() < 0) {
                    return false;
                }
                if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                    return false;
                }
                certificate.verify(issuer.getPublicKey());
            }
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
