package io.apimfleet.controller.rollout;

import io.apimfleet.controller.recipe.ApimHomes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class PhaseTest {
    @Test
    void theLoadBalancerComesFirstThenTheRolloutOrderWithEachRolesNodesTogether() {
        assertThat(Phase.of(ApimHomes.spec("seven-node.yaml"))).extracting(Phase::name, Phase::nodes).containsExactly(
                tuple("load-balancer", List.of("lb1")),
                tuple("key-manager", List.of("km1", "km2")),
                tuple("publisher", List.of("pub1", "pub2")),
                tuple("store", List.of("store1")),
                tuple("traffic-manager", List.of("tm1")),
                tuple("gateway", List.of("gw1")));
    }

    @Test
    void aClusterWithoutALoadBalancerStartsWithItsFirstRole() {
        assertThat(Phase.of(ApimHomes.spec("five-node.yaml"))).extracting(Phase::name)
                .containsExactly("key-manager", "publisher", "store", "traffic-manager", "gateway");
    }
}
