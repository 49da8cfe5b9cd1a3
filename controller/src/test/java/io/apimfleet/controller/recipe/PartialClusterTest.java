package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.CheckedSpec;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.controller.spec.Specs;
import io.apimfleet.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

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

    /** Whatever subset of the API-M roles a spec has, it either is refused by validation or renders for every node. */
    @Test
    void everyCombinationOfRolesThatValidatesRendersEveryNode() {
        List<Role> roles = Role.apimRoles();
        List<String> rendered = new ArrayList<>();
        for (int mask = 1; mask < 1 << roles.size(); mask++) {
            StringBuilder yaml = new StringBuilder("""
                    apiVersion: apim-fleet/v1
                    cluster: partial
                    admin: { password: "${secret:admin}" }
                    nodes:
                    """);
            for (int i = 0; i < roles.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    yaml.append("  - { name: n").append(i).append(", role: ").append(roles.get(i).yamlName())
                            .append(", host: n").append(i).append(".example }\n");
                }
            }
            CheckedSpec checked = Specs.check("partial.yaml", yaml.toString());
            if (!checked.isValid()) {
                continue;
            }
            for (Node node : checked.spec().nodes()) {
                assertThatCode(() -> Recipes.bundle(checked.spec(), node.name(), 1, jar -> Optional.empty()))
                        .as("%s in a cluster of %s", node.name(), checked.spec().rolesInUse()).doesNotThrowAnyException();
                rendered.add(node.name());
            }
        }
        assertThat(rendered).isNotEmpty();
    }
}
