package io.apimfleet.controller.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.recipe.ApimHomes;
import io.apimfleet.controller.recipe.TrustMaterial;
import io.apimfleet.controller.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Product certificates a joined controller issues come from its product intermediate, and the
 * keystores carry that intermediate: each chain the recipes write validates up to the product
 * root that every trust store holds.
 */
class ProductChainTest {
    @TempDir
    Path dir;

    private static void validatesUnder(X509Certificate root, List<X509Certificate> chain) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(chain.subList(0, chain.size() - 1)), parameters);
    }

    private ControllerState joined() throws Exception {
        ControllerState first = TestStates.fresh(Files.createDirectories(dir.resolve("first")));
        return TestStates.joined(first, Files.createDirectories(dir.resolve("joined")), "joined.test:7443");
    }

    @Test
    void aNodesTlsChainFromAJoinedControllerCarriesItsIntermediateUpToTheProductRoot() throws Exception {
        ControllerState state = joined();
        ClusterSpec seven = ApimHomes.spec("seven-node.yaml");
        ProductKeys keys = ProductKeys.of(state, seven);
        keys.signTls("km1", Keys.rsa(2048).getPublic());

        TrustMaterial material = keys.material("km1");

        assertThat(material.tlsChain()).hasSize(3);
        assertThat(material.tlsChain().get(1)).isEqualTo(state.productCa().certificate());
        assertThat(material.productCa()).isEqualTo(state.productCa().root());
        validatesUnder(material.productCa(), material.tlsChain());
    }

    @Test
    void thePrimaryChainFromAJoinedControllerCarriesItsIntermediateUpToTheProductRoot() throws Exception {
        ControllerState state = joined();
        ProductKeys keys = ProductKeys.of(state, ApimHomes.spec("seven-node.yaml"));
        keys.signTls("km1", Keys.rsa(2048).getPublic());

        List<X509Certificate> chain = keys.material("km1").primaryChain();

        assertThat(chain).hasSize(3);
        validatesUnder(state.productCa().root(), chain);
    }
}
