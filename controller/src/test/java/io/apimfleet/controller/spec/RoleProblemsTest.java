package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Roles are the six known names, and every role a node needs is present. */
class RoleProblemsTest {

    @Test
    void anUnknownRoleIsSuggestedTheClosestAndListsTheValidOnes() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manger, host: km1.example }
                """)).containsExactly("cluster.yaml:5:24: unknown role 'key-manger' in node km1; did you mean "
                + "'key-manager'? (roles: key-manager, publisher, store, traffic-manager, gateway, load-balancer)");
    }

    @Test
    void aGatewayNeedsAKeyManagerAndATrafficManager() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: gw1, role: gateway, host: gw1.example }
                """)).containsExactly(
                "cluster.yaml:5:24: no node has role key-manager, which gateway needs; add a node with role: key-manager",
                "cluster.yaml:5:24: no node has role traffic-manager, which gateway needs; add a node with role: "
                        + "traffic-manager");
    }

    @Test
    void publisherAndStoreNeedAKeyManager() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: gw1, role: gateway, host: gw1.example }
                  - { name: store1, role: store, host: store1.example }
                  - { name: pub1, role: publisher, host: pub1.example }
                """)).containsExactly("cluster.yaml:6:24: no node has role key-manager, which publisher, store and "
                + "gateway need; add a node with role: key-manager");
    }

    @Test
    void publisherAndStoreWithoutAGatewayAreRefusedBeforeAnyPlan() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: pub1, role: publisher, host: pub1.example }
                  - { name: store1, role: store, host: store1.example }
                """)).containsExactly("cluster.yaml:7:25: no node has role gateway, which publisher and store need; "
                + "add a node with role: gateway");
    }

    @Test
    void aPublisherNeedsATrafficManagerForItsThrottlingPolicies() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: pub1, role: publisher, host: pub1.example }
                  - { name: gw1, role: gateway, host: gw1.example, portOffset: 1 }
                """)).containsExactly("cluster.yaml:6:25: no node has role traffic-manager, which publisher and gateway "
                + "need; add a node with role: traffic-manager");
    }

    @Test
    void aMistypedRoleIsNotAlsoReportedAsAMissingRole() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: keymanager, host: km1.example }
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: gw1, role: gateway, host: gw1.example }
                """)).containsExactly("cluster.yaml:5:24: unknown role 'keymanager' in node km1; did you mean "
                + "'key-manager'? (roles: key-manager, publisher, store, traffic-manager, gateway, load-balancer)");
    }

    @Test
    void aNodeWithoutARoleIsToldTheRolesToChooseFrom() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, host: km1.example }
                """)).containsExactly("cluster.yaml:5:5: missing field 'role' in node km1; add role: one of "
                + "key-manager, publisher, store, traffic-manager, gateway, load-balancer");
    }
}
