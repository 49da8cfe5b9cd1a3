package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Specs;
import io.apimfleet.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A valid spec that runs only some roles (key managers alone, as a first step) renders for every node it has. */
class PartialClusterTest {
    private static final ClusterSpec KEY_MANAGERS_ONLY = Specs.check("km-only.yaml", """
            apiVersion: apim-fleet/v1
            cluster: partial
            admin: { password: "${secret:admin}" }
            nodes:
              - { name: km1, role: key-manager, host: km1.example }
            """).validSpec();

    @Test
    void aKeyManagerWithoutGatewaysKeepsTheShippedGatewayEnvironmentAndRevokeUrl() throws Exception {
        String bundle = Json.mapper().writeValueAsString(Recipes.bundle(KEY_MANAGERS_ONLY, "km1", 1, jar -> Optional.empty()).bundle());
        assertThat(bundle).contains("ThriftServerHost").doesNotContain("Environments/Environment[1]/ServerURL").doesNotContain("RevokeAPIURL");
    }
}
