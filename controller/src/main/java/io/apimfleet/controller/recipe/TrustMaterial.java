package io.apimfleet.controller.recipe;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * The public half of a node's certificates, as the controller issued them: the product CA, the
 * cluster's primary certificate, the node's own TLS chain (leaf first) and its peers' TLS
 * certificates by node name. Private keys are never here: the primary key travels as the secret
 * {@value #PRIMARY_KEY_SECRET}, the node's TLS key never leaves its host.
 */
public record TrustMaterial(X509Certificate productCa, X509Certificate primaryCertificate,
                            List<X509Certificate> tlsChain, Map<String, X509Certificate> peers, List<X509Certificate> primaryIssuers) {
    /** The secret under which the cluster's primary private key (PKCS#8 PEM) reaches a node. */
    public static final String PRIMARY_KEY_SECRET = "primary-key";
    /** The host secret holding the node's own TLS private key (made on the host). */
    public static final String TLS_KEY_HOST_SECRET = "tls-key";

    /**
     * @param productCa the product root (the trust stores' anchor)
     * @param tlsChain the node's TLS certificate, then its issuers up to the product root
     * @param primaryIssuers the CAs between the primary certificate and the product root: the
     *                       intermediate of the controller that issued it when that one joined the
     *                       fleet, else none
     */
    public TrustMaterial {
        tlsChain = List.copyOf(tlsChain);
        peers = Map.copyOf(peers);
        primaryIssuers = List.copyOf(primaryIssuers);
    }

    /** Material whose primary certificate the product root signed itself. */
    public TrustMaterial(X509Certificate productCa, X509Certificate primaryCertificate,
                         List<X509Certificate> tlsChain, Map<String, X509Certificate> peers) {
        this(productCa, primaryCertificate, tlsChain, peers, List.of());
    }

    /** The primary keystore entry's chain: the primary certificate, its issuers, the product root. */
    public List<X509Certificate> primaryChain() {
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(primaryCertificate);
        chain.addAll(primaryIssuers);
        chain.add(productCa);
        return List.copyOf(chain);
    }
}
