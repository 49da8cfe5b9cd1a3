package io.apimfleet.controller.recipe;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apimfleet.controller.spec.Role;
import io.apimfleet.controller.spec.Specs;
import org.junit.jupiter.api.Test;

class TopologyTest {

    @Test
    void askingForARoleWithNoNodeIsASpecThatCannotBeRenderedNotAnInternalError() {
        Topology topology = new Topology(Specs.check("km-only.yaml", """
                apiVersion: apim-fleet/v1
                cluster: partial
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """).validSpec());

        assertThatThrownBy(() -> topology.first(Role.GATEWAY)).isInstanceOf(RecipeException.class)
                .hasMessage("no node has role gateway, which this cluster's configuration needs; add a node with role: gateway");
    }
}
