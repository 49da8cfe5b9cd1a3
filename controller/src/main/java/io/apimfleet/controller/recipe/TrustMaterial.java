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
                            List<X509Certificate> tlsChain, Map<String, X509Certificate> peers) {
    /** The secret under which the cluster's primary private key (PKCS#8 PEM) reaches a node. */
    public static final String PRIMARY_KEY_SECRET = "primary-key";
    /** The host secret holding the node's own TLS private key (made on the host). */
    public static final String TLS_KEY_HOST_SECRET = "tls-key";

    public TrustMaterial {
        tlsChain = List.copyOf(tlsChain);
        peers = Map.copyOf(peers);
    }
}
