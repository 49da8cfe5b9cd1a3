package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rollout order names each API-M role in use once; limits and durations make sense. */
class RolloutProblemsTest {

    @Test
    void theOrderMustNotLeaveOutARoleInUse() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: gw1, role: gateway, host: gw1.example }
                rollout:
                  order: [key-manager, gateway]
                """)).containsExactly("cluster.yaml:9:10: rollout.order leaves out traffic-manager, which the spec has "
                + "nodes for; add it, e.g. order: [key-manager, publisher, store, traffic-manager, gateway]");
    }

    @Test
    void theOrderNamesOnlyKnownRoles() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                rollout:
                  order: [key-manager, keymanager]
                """)).containsExactly("cluster.yaml:7:24: unknown role 'keymanager' in rollout.order; did you mean "
                + "'key-manager'? (roles: key-manager, publisher, store, traffic-manager, gateway, load-balancer)");
    }

    @Test
    void theOrderLeavesOutTheLoadBalancerWhichGoesFirstOnItsOwn() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                rollout:
                  order: [load-balancer, key-manager]
                """)).containsExactly("cluster.yaml:7:11: rollout.order names load-balancer, which is always "
                + "configured first, in a phase of its own; remove it");
    }

    @Test
    void theOrderNamesEachRoleOnce() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                rollout:
                  order:
                    - key-manager
                    - key-manager
                """)).containsExactly(
                "cluster.yaml:9:7: rollout.order names key-manager twice; name each role once");
    }

    @Test
    void atLeastOneNodeMayBeUnavailable() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                rollout: { maxUnavailable: 0 }
                """)).containsExactly("cluster.yaml:6:28: rollout.maxUnavailable must be at least 1");
    }

    @Test
    void durationsCarryAUnit() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                rollout:
                  minHealthy: 10
                """)).containsExactly(
                "cluster.yaml:7:15: rollout.minHealthy must be a duration such as 500ms, 10s, 5m or 1h");
    }

    @Test
    void theHealthyDeadlineIsLongerThanNothing() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                rollout:
                  healthyDeadline: 0s
                """)).containsExactly("cluster.yaml:7:20: rollout.healthyDeadline must be longer than 0s");
    }

    @Test
    void aProbeIntervalOutOfRangeIsQuotedTheWayTheSpecWritesDurations() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                rollout:
                  probeInterval: 50ms
                """)).containsExactly("cluster.yaml:7:18: rollout.probeInterval must be between 100ms and 1m, not 50ms");
    }
}
