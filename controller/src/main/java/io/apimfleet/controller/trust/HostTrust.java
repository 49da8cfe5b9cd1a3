package io.apimfleet.controller.trust;

import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.keystore.PemMaterial;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.recipe.TrustMaterial;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Optional;

/**
 * The host's part of product trust when no agent plays it ({@code fleet render}, the demo): a TLS
 * key made here, kept in the host's secrets beside its home, and signed by the product CA. A key
 * and certificate that already belong together are kept.
 */
public record HostTrust(ProductKeys keys) {
    public X509Certificate ensureTlsCertificate(String node, HostSecrets host) {
        Optional<String> keyPem = host.lookup(TrustMaterial.TLS_KEY_HOST_SECRET);
        Optional<X509Certificate> issued = keys.tlsCertificate(node);
        if (keyPem.isPresent() && issued.isPresent() && issued.get().getPublicKey().equals(publicKeyOf(keyPem.get()))) {
            return issued.get();
        }
        KeyPair pair = Keys.rsa(2048);
        host.put(TrustMaterial.TLS_KEY_HOST_SECRET, Pem.write(pair.getPrivate()));
        return keys.signTls(node, pair.getPublic());
    }

    private static PublicKey publicKeyOf(String privateKeyPem) {
        try {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) PemMaterial.privateKey(privateKeyPem, "the host's TLS key");
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException | ClassCastException e) {
            return null;
        }
    }
}
