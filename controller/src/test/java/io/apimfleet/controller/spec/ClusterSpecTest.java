package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterSpecTest {
    private final ClusterSpec spec = SpecCheck.validSpec("""
            apiVersion: apim-fleet/v1
            cluster: demo
            admin: { password: "${secret:admin}" }
            nodes:
              - { name: km1, role: key-manager, host: km1.example }
              - { name: km2, role: key-manager, host: km2.example }
              - { name: tm1, role: traffic-manager, host: tm1.example }
              - { name: tm2, role: traffic-manager, host: tm2.example }
              - { name: gw1, role: gateway, host: gw1.example }
              - { name: lb1, role: load-balancer, host: lb.example }
            loadBalancer:
              node: lb1
              endpoints:
                key-manager: { host: km.example, port: 9443 }
            """);

    @Test
    void listsTheNodesOfARoleInSpecOrder() {
        assertThat(spec.nodesWithRole(Role.KEY_MANAGER)).extracting(Node::name).containsExactly("km1", "km2");
        assertThat(spec.nodesWithRole(Role.STORE)).isEmpty();
    }

    @Test
    void findsANodeByName() {
        assertThat(spec.node("gw1")).map(Node::role).contains(Role.GATEWAY);
        assertThat(spec.node("nope")).isEmpty();
    }

    @Test
    void callsARoleWithTwoNodesDoubled() {
        assertThat(spec.isDoubled(Role.KEY_MANAGER)).isTrue();
        assertThat(spec.isDoubled(Role.TRAFFIC_MANAGER)).isTrue();
        assertThat(spec.isDoubled(Role.GATEWAY)).isFalse();
    }

    @Test
    void givesTheLoadBalancerEndpointOfARole() {
        assertThat(spec.endpoint(Role.KEY_MANAGER)).contains(new Endpoint("km.example", 9443));
        assertThat(spec.endpoint(Role.GATEWAY)).isEmpty();
    }

    @Test
    void findsTheLoadBalancerNode() {
        assertThat(spec.loadBalancerNode()).map(Node::name).contains("lb1");
    }

    @Test
    void listsTheRolesInUseInDeclarationOrder() {
        assertThat(spec.rolesInUse())
                .containsExactly(Role.KEY_MANAGER, Role.TRAFFIC_MANAGER, Role.GATEWAY, Role.LOAD_BALANCER);
    }
}
