package io.apimfleet.controller.recipe;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * What the load-balancer recipe needs beyond the spec, as the controller holds it: the product
 * CA (that backends' certificates are verified against), the load balancer's own TLS chain, leaf
 * first, issued by the product CA for every endpoint name it fronts, and the nodes to render as
 * out of rotation. The private key of that chain is never here: it is the load-balancer host's
 * own key, made there and kept as the host secret {@value #KEY_HOST_SECRET}, like an API-M node's
 * TLS key (so the agent's existing TLS CSR flow makes it).
 *
 * @param drained node names rendered out of rotation ({@code down} for nginx, {@code disabled}
 *                for HAProxy); HAProxy drains at runtime, so this matters to it only across a
 *                restart during a drain
 */
public record LoadBalancerMaterial(X509Certificate productCa, List<X509Certificate> tlsChain, Set<String> drained) {
    /** The host secret holding the load balancer's TLS private key (PKCS#8 PEM), made on its host. */
    public static final String KEY_HOST_SECRET = TrustMaterial.TLS_KEY_HOST_SECRET;

    public LoadBalancerMaterial {
        if (productCa == null) {
            throw new RecipeException("the load balancer needs the product CA to verify its backends");
        }
        if (tlsChain == null || tlsChain.isEmpty()) {
            throw new RecipeException("the load balancer needs its TLS certificate chain (leaf first), issued by the product CA");
        }
        tlsChain = List.copyOf(tlsChain);
        drained = drained == null ? Set.of() : Set.copyOf(drained);
    }

    public LoadBalancerMaterial(X509Certificate productCa, List<X509Certificate> tlsChain) {
        this(productCa, tlsChain, Set.of());
    }
}
