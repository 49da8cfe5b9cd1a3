package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceMapTest {
    private final SourceMap map = Specs.check("c.yaml", """
            apiVersion: apim-fleet/v1
            cluster: demo
            admin: { password: "${secret:admin}" }
            nodes:
              - name: km1
                role: key-manager
                host: km1.example
            """).sourceMap();

    @Test
    void locatesAWrittenFieldAtItsValue() {
        assertThat(map.locate("nodes[0].role")).isEqualTo(new Location("c.yaml", 6, 11));
    }

    @Test
    void locatesAnAbsentFieldAtItsEnclosingMapping() {
        assertThat(map.locate("nodes[0].portOffset")).isEqualTo(new Location("c.yaml", 5, 5));
    }

    @Test
    void locatesAnAbsentSectionAtTheTopOfTheFile() {
        assertThat(map.locate("rollout.order")).isEqualTo(new Location("c.yaml", 1, 1));
    }
}
