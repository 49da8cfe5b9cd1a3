package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.SecretRef;
import io.apimfleet.protocol.bundle.KeystoreKey;
import io.apimfleet.protocol.bundle.KeystoreTrust;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.apimfleet.controller.recipe.StoreReference.Store;

/**
 * Replaces the shipped {@code CN=localhost} material, as the guide asks: the cluster's primary
 * key in {@code wso2carbon.jks}, the node's own TLS key in a store of its own that every listener
 * peers dial presents, and a trust store that keeps what it had and gains the product CA, the
 * primary certificate and every peer. Each store gets a password made on the host, and every
 * reference in {@link StoreReference#ALL} is rewritten to match.
 */
final class TrustRecipe {
    static final String SECURITY = "repository/resources/security/";
    static final String PRIMARY_STORE = "wso2carbon.jks";
    static final String TLS_STORE = "fleet-tls.jks";
    static final String TRUST_STORE = "client-truststore.jks";
    static final String PRIMARY_ALIAS = "wso2carbon";
    static final String PRODUCT_CA_ALIAS = "fleet-product-ca";
    static final String PRIMARY_CERT_ALIAS = "fleet-primary";
    /** What the product ships its stores with. */
    static final List<String> SHIPPED_PASSWORDS = List.of("wso2carbon");

    private TrustRecipe() {
    }

    static void apply(ClusterSpec spec, Node node, TrustMaterial material, Steps steps) {
        steps.keystore(new KeystoreKey(SECURITY + PRIMARY_STORE, password(Store.PRIMARY_KEYSTORE), SHIPPED_PASSWORDS,
                PRIMARY_ALIAS, SecretRef.of(TrustMaterial.PRIMARY_KEY_SECRET),
                material.primaryChain().stream().map(TrustRecipe::pem).toList(), true));
        steps.keystore(new KeystoreKey(SECURITY + TLS_STORE, password(Store.TLS_KEYSTORE), List.of(), node.host(),
                SecretRef.host(TrustMaterial.TLS_KEY_HOST_SECRET), material.tlsChain().stream().map(TrustRecipe::pem).toList(), true));
        Map<String, String> trusted = new LinkedHashMap<>();
        trusted.put(PRODUCT_CA_ALIAS, pem(material.productCa()));
        trusted.put(PRIMARY_CERT_ALIAS, pem(material.primaryCertificate()));
        material.peers().forEach((peer, certificate) -> {
            if (!peer.equals(node.name())) {
                trusted.put(peer, pem(certificate));
            }
        });
        steps.keystore(new KeystoreTrust(SECURITY + TRUST_STORE, password(Store.TRUSTSTORE), SHIPPED_PASSWORDS, trusted));
        for (StoreReference ref : StoreReference.ALL) {
            if (present(ref, spec, node)) {
                rewrite(ref, steps);
            }
        }
    }

    /** The host-made password of a store: one per store, the same in every file that names it. */
    static String password(Store store) {
        return SecretRef.host(switch (store) {
            case PRIMARY_KEYSTORE -> "primary-keystore-password";
            case TLS_KEYSTORE -> "tls-keystore-password";
            case TRUSTSTORE -> "truststore-password";
        });
    }

    private static boolean present(StoreReference ref, ClusterSpec spec, Node node) {
        return switch (ref.presence()) {
            case ALWAYS -> true;
            case WITH_PASSTHROUGH -> node.role() != Role.TRAFFIC_MANAGER;
            case WITH_WEBSOCKET -> node.role() == Role.GATEWAY && spec.options().websocket();
        };
    }

    private static void rewrite(StoreReference ref, Steps steps) {
        String value = switch (ref.field()) {
            case LOCATION -> ref.location(switch (ref.store()) {
                case PRIMARY_KEYSTORE -> PRIMARY_STORE;
                case TLS_KEYSTORE -> TLS_STORE;
                case TRUSTSTORE -> TRUST_STORE;
            });
            case PASSWORD, KEY_PASSWORD -> password(ref.store());
        };
        if (ref.xpath() == null) {
            // cipher-text.properties keeps its values in brackets (Secure Vault's plain-text form).
            boolean bracketed = ref.file().equals(ApimFiles.CIPHER_TEXT);
            steps.property(ref.file(), ref.name(), bracketed ? "[" + value + "]" : value);
        } else if (ref.name() != null) {
            steps.xml(ref.file()).attributeAll(ref.xpath(), ref.name(), value);
        } else {
            steps.xml(ref.file()).setAll(ref.xpath(), value);
        }
    }

    static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new RecipeException("cannot encode certificate " + certificate.getSubjectX500Principal() + ": " + e.getMessage());
        }
    }
}
