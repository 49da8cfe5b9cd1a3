package io.apimfleet.bundle.keystore;

import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.protocol.SecretRef;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.KeystoreKey;
import io.apimfleet.protocol.bundle.KeystoreTrust;
import io.apimfleet.protocol.bundle.Operation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeystoreOperationsTest {
    private static final String TLS = "repository/resources/security/fleet-tls.jks";
    private static final String PRIMARY = "repository/resources/security/wso2carbon.jks";
    private static final String TRUST = "repository/resources/security/client-truststore.jks";
    private static final TestPki.Issued CA = TestPki.ca("Product CA");
    private static final TestPki.Issued NODE = TestPki.leaf("km1.example", CA);
    private static final TestPki.Issued SHIPPED = TestPki.ca("localhost");
    private static final TestPki.Issued PUBLIC_CA = TestPki.ca("Some Public Root");

    @TempDir
    Path dir;
    Path home;
    HostSecrets host;
    BundleApplier applier;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(dir.resolve("home/repository/resources/security")).getParent().getParent().getParent();
        Files.write(home.resolve(PRIMARY), shippedStore(true));
        Files.write(home.resolve(TRUST), shippedStore(false));
        host = new HostSecrets(dir.resolve("agent/host-secrets.json"));
        host.put("tls-key", NODE.keyPem());
        applier = new BundleApplier(home, dir.resolve("state"), Secrets.of(Map.of("primary-key", NODE.keyPem())).withHost(host));
    }

    /** A store as the product ships it: password wso2carbon, a CN=localhost key (or none) and a public CA. */
    private static byte[] shippedStore(boolean withKey) throws Exception {
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        if (withKey) {
            store.setKeyEntry("wso2carbon", SHIPPED.keys().getPrivate(), "wso2carbon".toCharArray(), new Certificate[] {SHIPPED.certificate()});
        }
        store.setCertificateEntry("publicroot", PUBLIC_CA.certificate());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, "wso2carbon".toCharArray());
        return out.toByteArray();
    }

    private KeyStore load(String path, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(new ByteArrayInputStream(Files.readAllBytes(home.resolve(path))), password.toCharArray());
        return store;
    }

    private ApplyResult apply(Operation... ops) {
        return applier.apply(new Bundle("km1", 1, List.of(ops)));
    }

    private static KeystoreKey tlsKey() {
        return new KeystoreKey(TLS, SecretRef.host("tls-keystore-password"), List.of(), "km1.example",
                SecretRef.host("tls-key"), List.of(NODE.certificatePem(), CA.certificatePem()), true);
    }

    @Test
    void keystoreKeyCreatesAStoreHoldingTheKeyAndChainUnderTheHostsPassword() throws Exception {
        assertThat(apply(tlsKey()).operations().get(0).detail()).isEqualTo("created with key km1.example");

        String password = host.lookup("tls-keystore-password").orElseThrow();
        KeyStore store = load(TLS, password);
        assertThat(Collections.list(store.aliases())).containsExactly("km1.example");
        assertThat(store.getKey("km1.example", password.toCharArray()).getEncoded()).isEqualTo(NODE.keys().getPrivate().getEncoded());
        assertThat(store.getCertificateChain("km1.example")).containsExactly(NODE.certificate(), CA.certificate());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(TLS)))).isEqualTo("rw-------");
    }

    @Test
    void theSameKeyAgainIsNoChangeAlthoughAJksFileIsNeverByteStable() throws Exception {
        apply(tlsKey());
        byte[] before = Files.readAllBytes(home.resolve(TLS));
        ApplyResult second = apply(tlsKey());
        assertThat(second.changed()).isFalse();
        assertThat(Files.readAllBytes(home.resolve(TLS))).isEqualTo(before);
    }

    @Test
    void aShippedStoreIsOpenedWithItsOldPasswordAndRewrittenUnderTheHostsOwn() throws Exception {
        KeystoreKey primary = new KeystoreKey(PRIMARY, SecretRef.host("primary-keystore-password"), List.of("wso2carbon"),
                "wso2carbon", SecretRef.of("primary-key"), List.of(NODE.certificatePem()), true);
        apply(primary);

        KeyStore store = load(PRIMARY, host.lookup("primary-keystore-password").orElseThrow());
        assertThat(store.getCertificate("wso2carbon")).isEqualTo(NODE.certificate());
        assertThat(store.getCertificate("publicroot")).isEqualTo(PUBLIC_CA.certificate());
        assertThatThrownBy(() -> load(PRIMARY, "wso2carbon")).isInstanceOf(java.io.IOException.class);
        assertThat(apply(primary).changed()).isFalse();
    }

    @Test
    void keystoreTrustAddsEntriesAndKeepsEveryOtherOne() throws Exception {
        KeystoreTrust trust = new KeystoreTrust(TRUST, SecretRef.host("truststore-password"), List.of("wso2carbon"),
                Map.of("fleet-product-ca", CA.certificatePem(), "pub1", TestPki.leaf("pub1.example", CA).certificatePem()));
        apply(trust);

        KeyStore store = load(TRUST, host.lookup("truststore-password").orElseThrow());
        assertThat(Collections.list(store.aliases())).containsExactlyInAnyOrder("publicroot", "fleet-product-ca", "pub1");
        assertThat(store.isCertificateEntry("fleet-product-ca")).isTrue();
        assertThat(apply(trust).changed()).isFalse();
    }

    @Test
    void aKeyThatDoesNotBelongToItsCertificateIsRefused() {
        KeystoreKey wrong = new KeystoreKey(TLS, SecretRef.host("tls-keystore-password"), List.of(), "km1.example",
                SecretRef.host("tls-key"), List.of(CA.certificatePem()), true);
        assertThatThrownBy(() -> apply(wrong)).isInstanceOf(BundleException.class)
                .hasMessageContaining("does not belong to the first certificate");
        assertThat(home.resolve(TLS)).doesNotExist();
    }

    @Test
    void aStoreNoPasswordOpensIsAnErrorThatQuotesNoPassword() {
        KeystoreTrust trust = new KeystoreTrust(TRUST, SecretRef.host("truststore-password"), List.of("not-it"),
                Map.of("fleet-product-ca", CA.certificatePem()));
        assertThatThrownBy(() -> apply(trust)).isInstanceOf(BundleException.class)
                .hasMessageContaining("keystore " + TRUST + " cannot be opened")
                .hasMessageNotContaining("not-it").hasMessageNotContaining("wso2carbon");
    }

    @Test
    void rollbackRestoresTheShippedStoresByteForByte() throws Exception {
        byte[] primary = Files.readAllBytes(home.resolve(PRIMARY));
        byte[] trust = Files.readAllBytes(home.resolve(TRUST));
        apply(tlsKey(), new KeystoreTrust(TRUST, SecretRef.host("truststore-password"), List.of("wso2carbon"), Map.of("ca", CA.certificatePem())));
        applier.rollback(false);
        assertThat(Files.readAllBytes(home.resolve(PRIMARY))).isEqualTo(primary);
        assertThat(Files.readAllBytes(home.resolve(TRUST))).isEqualTo(trust);
        assertThat(home.resolve(TLS)).doesNotExist();
    }

    @Test
    void hostPasswordsAreMadeOnceAndKeptInAPrivateFile() throws Exception {
        String first = host.lookup("tls-keystore-password").orElseThrow();
        assertThat(first).hasSize(24);
        assertThat(new HostSecrets(host.file()).lookup("tls-keystore-password")).contains(first);
        assertThat(host.lookup("other-password").orElseThrow()).isNotEqualTo(first);
        assertThat(host.lookup("tls-key-not-made")).isEmpty();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(host.file()))).isEqualTo("rw-------");
    }

    @Test
    void aDryRunNamesNoKeyAndNoPassword() {
        ApplyResult plan = applier.plan(new Bundle("km1", 1, List.of(tlsKey())));
        String everything = plan.report() + plan.diff();
        assertThat(everything).contains("keystore.key " + TLS + " km1.example").doesNotContain("PRIVATE KEY")
                .doesNotContain(host.lookup("tls-keystore-password").orElseThrow());
    }
}
