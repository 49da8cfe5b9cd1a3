package io.apimfleet.controller.trust;

import io.apimfleet.controller.pki.CertificateAuthority;
import io.apimfleet.controller.pki.CertificateRow;
import io.apimfleet.controller.pki.CertificateSource;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.Enrollment;
import io.apimfleet.controller.pki.KeyPurpose;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.pki.SecureFiles;
import io.apimfleet.controller.recipe.TrustMaterial;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import org.bouncycastle.asn1.x500.X500Name;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A cluster's product keys in the controller's state, under {@code product/<cluster>/}:
 * <pre>
 *   primary.crt          the primary certificate (public)
 *   primary.key.sealed   the primary private key, sealed with the state's master key
 *   tls/NODE.crt         each node's TLS certificate (the key stays on the node)
 * </pre>
 * The primary key pair is made once: API-M encrypts data in the shared databases with it, so a
 * new key would make that data unreadable. Its certificate is re-issued for the same key when
 * the cluster's names change.
 */
public final class ProductKeys {
    static final Duration TLS_VALIDITY = Duration.ofDays(397);
    static final Duration PRIMARY_VALIDITY = Duration.ofDays(3650);
    /** A TLS certificate this close to expiry is re-issued at the next apply. */
    static final Duration TLS_RENEW_BEFORE = Duration.ofDays(30);
    private static final int RSA_BITS = 2048;   // API-M 2.2.0 runs on Java 8

    private final ControllerState state;
    private final ClusterSpec spec;
    private final Path dir;

    private ProductKeys(ControllerState state, ClusterSpec spec) {
        this.state = state;
        this.spec = spec;
        this.dir = state.dir().resolve("product").resolve(spec.cluster());
        SecureFiles.createDirectories(dir.resolve("tls"));
    }

    public static ProductKeys of(ControllerState state, ClusterSpec spec) {
        return new ProductKeys(state, spec);
    }

    /** The primary certificate, making the key pair the first time and re-issuing when names changed. */
    public X509Certificate primaryCertificate() {
        Path certificate = dir.resolve("primary.crt");
        if (!Files.exists(certificate)) {
            KeyPair keys = Keys.rsa(RSA_BITS);
            state.secrets().writeSealed(dir.resolve("primary.key.sealed"), Pem.write(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
            return issuePrimary(keys.getPublic(), "created");
        }
        X509Certificate current = Pem.readCertificate(certificate);
        if (!names(current).equals(ProductNames.primary(spec))) {
            return issuePrimary(current.getPublicKey(), "re-issued for new names");
        }
        return current;
    }

    /** A new primary certificate for the same key (new names or validity); the key is never rotated. */
    public X509Certificate reissuePrimaryCertificate() {
        return issuePrimary(primaryCertificate().getPublicKey(), "re-issued");
    }

    /** The primary private key as PEM, only to be delivered as the secret {@value TrustMaterial#PRIMARY_KEY_SECRET}. */
    public String primaryKeyPem() {
        primaryCertificate();
        return new String(state.secrets().readSealed(dir.resolve("primary.key.sealed")), StandardCharsets.US_ASCII);
    }

    /**
     * Signs the key of a node's CSR, made on the host with CN = its host: the CSR only proves
     * possession of the key; subject and names come from the spec, never from the CSR.
     */
    public X509Certificate signTls(String nodeName, String csrPem) {
        return signTls(nodeName, tlsKey(nodeName, csrPem));
    }

    /**
     * The node's TLS certificate for the key of its CSR: the one already issued when it certifies
     * that key with the names the spec now gives and is not due for renewal; a new one otherwise.
     */
    public X509Certificate certifyTls(String nodeName, String csrPem, Instant now) {
        PublicKey key = tlsKey(nodeName, csrPem);
        Optional<X509Certificate> current = tlsCertificate(nodeName);
        if (current.isPresent() && current.get().getPublicKey().equals(key)
                && names(current.get()).equals(ProductNames.tls(spec, node(nodeName)))
                && current.get().getNotAfter().toInstant().isAfter(now.plus(TLS_RENEW_BEFORE))) {
            return current.get();
        }
        return signTls(nodeName, key);
    }

    private PublicKey tlsKey(String nodeName, String csrPem) {
        PublicKey key = Enrollment.checkedKey(csrPem, node(nodeName).host());
        if (!(key instanceof RSAPublicKey)) {
            throw new IllegalArgumentException("the TLS key of " + nodeName + " must be RSA (API-M 2.2.0 runs on Java 8)");
        }
        return key;
    }

    /** Signs a node's TLS key: CN = its host, names from {@link ProductNames#tls}. */
    public X509Certificate signTls(String nodeName, PublicKey key) {
        Node node = node(nodeName);
        X509Certificate certificate = state.productCa().issue(key, new X500Name("CN=" + node.host()),
                ProductNames.generalNames(ProductNames.tls(spec, node)), TLS_VALIDITY, KeyPurpose.SERVER_AND_CLIENT_TLS);
        writeChain(dir.resolve("tls").resolve(node.name() + ".crt"), certificate);
        state.record("product.tls.issued", Map.of("cluster", spec.cluster(), "node", node.name(),
                "serial", certificate.getSerialNumber().toString(16)));
        return certificate;
    }

    public Optional<X509Certificate> tlsCertificate(String nodeName) {
        Path file = dir.resolve("tls").resolve(nodeName + ".crt");
        return Files.exists(file) ? Optional.of(Pem.readCertificate(file)) : Optional.empty();
    }

    /**
     * Whether the node's host must make a new TLS key: its certificate was retired ({@link #retireTls})
     * and none was issued since. A node never certified keeps the key its host already made.
     */
    public boolean newKeyWanted(String nodeName) {
        Path retired = dir.resolve("tls/retired");
        if (tlsCertificate(nodeName).isPresent() || !Files.isDirectory(retired)) {
            return false;
        }
        try (Stream<Path> files = Files.list(retired)) {
            return files.anyMatch(f -> f.getFileName().toString().matches(java.util.regex.Pattern.quote(nodeName) + "-[0-9a-f]+\\.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the node's bundle needs to replace its stores: requires its TLS certificate to be issued. */
    public TrustMaterial material(String nodeName) {
        X509Certificate tls = tlsCertificate(nodeName)
                .orElseThrow(() -> new IllegalStateException("node " + nodeName + " has no TLS certificate yet"));
        Map<String, X509Certificate> peers = new LinkedHashMap<>();
        for (Node peer : spec.nodes()) {
            if (peer.role().isApim() && !peer.name().equals(nodeName)) {
                tlsCertificate(peer.name()).ifPresent(c -> peers.put(peer.name(), c));
            }
        }
        X509Certificate primary = primaryCertificate();
        return new TrustMaterial(state.productCa().root(), primary, tlsChain(nodeName),
                peers, issuers(dir.resolve("primary.crt")));
    }

    /**
     * A node's TLS certificate, then its issuers up to the product root: the intermediate of the
     * controller that issued it when that one joined the fleet (kept in the certificate's file
     * after it), then the root.
     */
    public List<X509Certificate> tlsChain(String nodeName) {
        Path file = dir.resolve("tls").resolve(node(nodeName).name() + ".crt");
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(tlsCertificate(nodeName).orElseThrow(() -> new IllegalStateException("node " + nodeName + " has no TLS certificate yet")));
        chain.addAll(issuers(file));
        chain.add(state.productCa().root());
        return List.copyOf(chain);
    }

    /** The certificates after the first in {@code file}: the intermediates that issued it (none when the root did). */
    private static List<X509Certificate> issuers(Path file) {
        List<X509Certificate> all = Pem.readCertificates(file);
        return all.subList(1, all.size());
    }

    /** The certificate, then the intermediate that issued it when this controller joined the fleet (a product certificate's file). */
    private void writeChain(Path file, X509Certificate certificate) {
        SecureFiles.write(file, state.productCa().presentedChainPem(certificate).getBytes(StandardCharsets.US_ASCII), SecureFiles.PUBLIC);
    }

    /**
     * Retires a node's TLS certificate: its host makes a new key and gets a new certificate at
     * the next apply (an agent, or {@code fleet render --controller-state}); peers then trust it.
     */
    public Optional<X509Certificate> retireTls(String nodeName) {
        Node node = node(nodeName);
        Optional<X509Certificate> current = tlsCertificate(node.name());
        current.ifPresent(c -> {
            Path retired = dir.resolve("tls/retired");
            SecureFiles.createDirectories(retired);
            try {
                Files.move(dir.resolve("tls").resolve(node.name() + ".crt"),
                        retired.resolve(node.name() + "-" + c.getSerialNumber().toString(16) + ".crt"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            state.record("product.tls.retired", Map.of("cluster", spec.cluster(), "node", node.name(),
                    "serial", c.getSerialNumber().toString(16)));
        });
        return current;
    }

    /** For {@code fleet certs list}: every cluster's primary certificate and nodes' TLS certificates. */
    public static final CertificateSource CERTIFICATES = (state, now) -> {
        List<CertificateRow> rows = new ArrayList<>();
        Path product = state.dir().resolve("product");
        if (!Files.isDirectory(product)) {
            return rows;
        }
        try (Stream<Path> clusters = Files.list(product)) {
            for (Path cluster : clusters.sorted().toList()) {
                Path primary = cluster.resolve("primary.crt");
                if (Files.exists(primary)) {
                    rows.add(CertificateRow.of(CertificateRow.CONTROLLER, "primary " + cluster.getFileName(), Pem.readCertificate(primary)));
                }
                Path tls = cluster.resolve("tls");
                if (Files.isDirectory(tls)) {
                    try (Stream<Path> certificates = Files.list(tls)) {
                        for (Path file : certificates.filter(f -> f.toString().endsWith(".crt")).sorted().toList()) {
                            rows.add(CertificateRow.of(file.getFileName().toString().replace(".crt", ""), "product-tls", Pem.readCertificate(file)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    };

    private X509Certificate issuePrimary(PublicKey key, String what) {
        X509Certificate certificate = state.productCa().issue(key, new X500Name("CN=apim-fleet primary " + spec.cluster()),
                ProductNames.generalNames(ProductNames.primary(spec)), PRIMARY_VALIDITY, KeyPurpose.SIGNING);
        writeChain(dir.resolve("primary.crt"), certificate);
        state.record("product.primary." + what.split(" ")[0], Map.of("cluster", spec.cluster(),
                "serial", certificate.getSerialNumber().toString(16)));
        return certificate;
    }

    /** A node that presents TLS from a product certificate: an API-M node or the load balancer. */
    private Node node(String name) {
        return spec.node(name).filter(n -> n.role().isApim() || n.role() == Role.LOAD_BALANCER)
                .orElseThrow(() -> new IllegalArgumentException("no API-M or load-balancer node named " + name + " in cluster " + spec.cluster()));
    }

    static Set<String> names(X509Certificate certificate) {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            Set<String> names = new LinkedHashSet<>();
            if (sans != null) {
                sans.forEach(san -> names.add(String.valueOf(san.get(1))));
            }
            return names;
        } catch (CertificateParsingException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
