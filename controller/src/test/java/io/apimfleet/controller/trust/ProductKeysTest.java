package io.apimfleet.controller.trust;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.EnrollmentRefused;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.recipe.ApimHomes;
import io.apimfleet.controller.recipe.TrustMaterial;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProductKeysTest {
    @TempDir
    Path dir;
    ControllerState state;
    ClusterSpec seven;

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(dir);
        seven = ApimHomes.spec("seven-node.yaml");
    }

    private static List<String> names(X509Certificate certificate) throws Exception {
        List<String> names = new ArrayList<>();
        certificate.getSubjectAlternativeNames().forEach(san -> names.add(String.valueOf(san.get(1))));
        return names;
    }

    @Test
    void thePrimaryKeyIsMadeOnceSealedAndNamesEveryApimHostAndEndpoint() throws Exception {
        ProductKeys keys = ProductKeys.of(state, seven);
        X509Certificate first = keys.primaryCertificate();
        assertThat(keys.primaryCertificate()).isEqualTo(first);
        assertThat(names(first)).containsExactlyInAnyOrder("km1.seven.test", "km2.seven.test", "pub1.seven.test", "pub2.seven.test",
                "store1.seven.test", "tm1.seven.test", "gw1.seven.test", "km.seven.test", "pub.seven.test");
        first.verify(state.productCa().certificate().getPublicKey());
        String sealed = new String(Files.readAllBytes(dir.resolve("state").resolve("product/seven/primary.key.sealed")), StandardCharsets.ISO_8859_1);
        assertThat(sealed).doesNotContain("PRIVATE KEY");
        assertThat(keys.primaryKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void newNamesReissueThePrimaryCertificateForTheSameKey() throws Exception {
        X509Certificate before = ProductKeys.of(state, seven).primaryCertificate();
        ClusterSpec grown = withExtraGateway(seven);
        X509Certificate after = ProductKeys.of(state, grown).primaryCertificate();
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(after.getPublicKey()).isEqualTo(before.getPublicKey());
        assertThat(names(after)).contains("gw9.seven.test");
    }

    @Test
    void aNodesTlsCertificateNamesItsHostItsAltNamesAddressAndDoubledRolesEndpoint() throws Exception {
        ProductKeys keys = ProductKeys.of(state, seven);
        X509Certificate km = keys.signTls("km2", Keys.rsa(2048).getPublic());
        assertThat(km.getSubjectX500Principal().getName()).isEqualTo("CN=km2.seven.test");
        assertThat(names(km)).containsExactly("km2.seven.test", "km.seven.test");
        assertThat(names(keys.signTls("store1", Keys.rsa(2048).getPublic()))).containsExactly("store1.seven.test");
        assertThat(km.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(keys.tlsCertificate("km2")).contains(km);
    }

    @Test
    void aCsrIsCheckedAndItsHostMustBeTheCommonName() {
        ProductKeys keys = ProductKeys.of(state, seven);
        KeyPair rsa = Keys.rsa(2048);
        assertThat(keys.signTls("gw1", TestStates.csr(rsa, "gw1.seven.test")).getPublicKey()).isEqualTo(rsa.getPublic());
        assertThatThrownBy(() -> keys.signTls("gw1", TestStates.csr(rsa, "km1.seven.test"))).isInstanceOf(EnrollmentRefused.class);
        assertThatThrownBy(() -> keys.signTls("gw1", TestStates.csr(Keys.ecP256(), "gw1.seven.test")))
                .hasMessageContaining("must be RSA");
    }

    @Test
    void theLoadBalancersCertificateNamesItsHostAndEveryEndpointItPresents() throws Exception {
        ProductKeys keys = ProductKeys.of(state, seven);
        X509Certificate lb = keys.signTls("lb1", TestStates.csr(Keys.rsa(2048), "lb.seven.test"));
        assertThat(names(lb)).containsExactlyInAnyOrder("lb.seven.test", "km.seven.test", "pub.seven.test");
    }

    @Test
    void theMaterialOfANodeHoldsItsChainAndEveryIssuedPeerButNoPrivateKey() {
        ProductKeys keys = ProductKeys.of(state, seven);
        X509Certificate gw = keys.signTls("gw1", Keys.rsa(2048).getPublic());
        X509Certificate km = keys.signTls("km1", Keys.rsa(2048).getPublic());
        TrustMaterial material = keys.material("gw1");
        assertThat(material.tlsChain()).containsExactly(gw, state.productCa().certificate());
        assertThat(material.peers()).containsOnlyKeys("km1").containsEntry("km1", km);
        assertThat(material.primaryCertificate()).isEqualTo(keys.primaryCertificate());
        assertThatThrownBy(() -> keys.material("pub1")).hasMessageContaining("no TLS certificate yet");
    }

    @Test
    void retiringATlsCertificateLeavesTheNodeWithoutOneAndKeepsItForTheRecord() {
        ProductKeys keys = ProductKeys.of(state, seven);
        X509Certificate old = keys.signTls("gw1", Keys.rsa(2048).getPublic());
        assertThat(keys.retireTls("gw1")).contains(old);
        assertThat(keys.tlsCertificate("gw1")).isEmpty();
        assertThat(dir.resolve("state/product/seven/tls/retired/gw1-" + old.getSerialNumber().toString(16) + ".crt")).exists();
        assertThat(state.journal()).anySatisfy(e -> assertThat(e.get("type")).isEqualTo("product.tls.retired"));
    }

    @Test
    void certsListShowsThePrimaryAndEveryNodesTlsCertificate() {
        ProductKeys keys = ProductKeys.of(state, seven);
        keys.primaryCertificate();
        keys.signTls("gw1", Keys.rsa(2048).getPublic());
        var rows = ProductKeys.CERTIFICATES.rows(state, Instant.now());
        assertThat(rows).extracting(r -> r.node() + " " + r.kind()).containsExactly("controller primary seven", "gw1 product-tls");
    }

    private static ClusterSpec withExtraGateway(ClusterSpec spec) {
        List<Node> nodes = new ArrayList<>(spec.nodes());
        nodes.add(new Node("gw9", io.apimfleet.controller.spec.Role.GATEWAY, "gw9.seven.test", 0, null, List.of(), null));
        return new ClusterSpec(spec.apiVersion(), spec.cluster(), spec.product(), spec.admin(), spec.databases(), nodes,
                spec.loadBalancer(), spec.jvm(), spec.options(), spec.rollout());
    }

    @Test
    void certifyingTheSameKeyAgainKeepsItsCertificate() {
        ProductKeys keys = ProductKeys.of(state, seven);
        KeyPair host = Keys.rsa(2048);
        X509Certificate first = keys.certifyTls("gw1", TestStates.csr(host, "gw1.seven.test"), Instant.now());
        X509Certificate again = keys.certifyTls("gw1", TestStates.csr(host, "gw1.seven.test"), Instant.now());
        assertThat(again.getSerialNumber()).isEqualTo(first.getSerialNumber());
    }

    @Test
    void certifyingANewKeyIssuesANewCertificate() {
        ProductKeys keys = ProductKeys.of(state, seven);
        X509Certificate first = keys.certifyTls("gw1", TestStates.csr(Keys.rsa(2048), "gw1.seven.test"), Instant.now());
        KeyPair replaced = Keys.rsa(2048);
        X509Certificate second = keys.certifyTls("gw1", TestStates.csr(replaced, "gw1.seven.test"), Instant.now());
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(second.getPublicKey()).isEqualTo(replaced.getPublic());
    }

    @Test
    void aCertificateDueForRenewalIsReissuedForTheSameKey() {
        ProductKeys keys = ProductKeys.of(state, seven);
        KeyPair host = Keys.rsa(2048);
        X509Certificate first = keys.certifyTls("gw1", TestStates.csr(host, "gw1.seven.test"), Instant.now());
        X509Certificate renewed = keys.certifyTls("gw1", TestStates.csr(host, "gw1.seven.test"),
                first.getNotAfter().toInstant().minus(Duration.ofDays(10)));
        assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(renewed.getPublicKey()).isEqualTo(host.getPublic());
    }

    @Test
    void aNewHostKeyIsWantedOnlyAfterTheNodesCertificateWasRetired() {
        ProductKeys keys = ProductKeys.of(state, seven);
        assertThat(keys.newKeyWanted("gw1")).as("never certified: the host keeps the key it made at join").isFalse();
        keys.signTls("gw1", Keys.rsa(2048).getPublic());
        keys.signTls("km1", Keys.rsa(2048).getPublic());
        keys.retireTls("gw1");
        assertThat(keys.newKeyWanted("gw1")).isTrue();
        assertThat(keys.newKeyWanted("km1")).isFalse();
        keys.signTls("gw1", Keys.rsa(2048).getPublic());
        assertThat(keys.newKeyWanted("gw1")).isFalse();
    }
}
