package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static io.apimfleet.controller.spec.SpecCheck.validSpec;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Doubled key managers, publishers and stores sit behind the load-balancer node, each at an endpoint. */
class LoadBalancerProblemsTest {

    @Test
    void doubledKeyManagersNeedALoadBalancer() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                """)).containsExactly("cluster.yaml:6:24: key-manager has 2 nodes (km1, km2), which need a load "
                + "balancer in front; add a node with role: load-balancer and loadBalancer: { node: NAME, endpoints: "
                + "{ key-manager: { host: NAME, port: PORT } } }");
    }

    @Test
    void doubledPublishersNeedAnEndpoint() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: gw1, role: gateway, host: gw1.example }
                  - { name: pub1, role: publisher, host: pub1.example }
                  - { name: pub2, role: publisher, host: pub2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer: { node: lb1 }
                """)).containsExactly("cluster.yaml:11:15: publisher has 2 nodes (pub1, pub2) but no load-balancer "
                + "endpoint; add loadBalancer.endpoints.publisher: { host: NAME, port: PORT }");
    }

    @Test
    void doubledTrafficManagersNeedNoLoadBalancer() {
        validSpec("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: tm2, role: traffic-manager, host: tm2.example }
                """);
    }

    @Test
    void anEndpointForARoleWithOneNodeIsUnused() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: gw1, role: gateway, host: gw1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: store1, role: store, host: store1.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer:
                  node: lb1
                  endpoints:
                    key-manager: { host: km.example, port: 9443 }
                    store: { host: store.example, port: 9445 }
                """)).containsExactly("cluster.yaml:15:12: loadBalancer.endpoints.store is not used: store has 1 "
                + "node, so it needs no load balancer; remove it, or add a second store node");
    }

    @Test
    void anEndpointForTrafficManagersIsUnused() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: tm2, role: traffic-manager, host: tm2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer:
                  node: lb1
                  endpoints:
                    traffic-manager: { host: tm.example, port: 9611 }
                """)).containsExactly("cluster.yaml:11:22: loadBalancer.endpoints.traffic-manager is not used: "
                + "traffic managers fail over by themselves; remove it");
    }

    @Test
    void theLoadBalancerNodeMustNameANode() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer:
                  node: lb2
                  endpoints:
                    key-manager: { host: km.example, port: 9443 }
                """)).containsExactly("cluster.yaml:9:9: loadBalancer.node 'lb2' names no node; did you mean 'lb1'?");
    }

    @Test
    void theLoadBalancerNodeMustHaveTheLoadBalancerRole() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer:
                  node: km1
                  endpoints:
                    key-manager: { host: km.example, port: 9443 }
                """)).containsExactly("cluster.yaml:9:9: loadBalancer.node names km1, a key-manager; name a node "
                + "with role: load-balancer");
    }

    @Test
    void aLoadBalancerNodeNeedsALoadBalancerSection() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                """)).containsExactly("cluster.yaml:7:24: node lb1 has role load-balancer, but the spec has no "
                + "loadBalancer section; add loadBalancer: { node: lb1, endpoints: { ROLE: { host: NAME, port: PORT } } }");
    }

    @Test
    void aClusterHasOneLoadBalancer() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: lb1, role: load-balancer, host: lb1.example }
                  - { name: lb2, role: load-balancer, host: lb2.example }
                loadBalancer:
                  node: lb1
                  endpoints:
                    key-manager: { host: km.example, port: 9443 }
                """)).containsExactly("cluster.yaml:8:24: node lb2 has role load-balancer, but loadBalancer.node is "
                + "lb1; a cluster has one load balancer, remove the other");
    }

    @Test
    void theKindIsHaproxyOrNginx() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer:
                  node: lb1
                  kind: hapoxy
                  endpoints:
                    key-manager: { host: km.example, port: 9443 }
                """)).containsExactly("cluster.yaml:10:9: unknown load-balancer kind 'hapoxy' in loadBalancer; did "
                + "you mean 'haproxy'? (load-balancer kinds: haproxy, nginx)");
    }

    @Test
    void anEndpointPortIsBetween1And65535() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer:
                  node: lb1
                  endpoints:
                    key-manager: { host: km.example, port: 94430 }
                """)).containsExactly(
                "cluster.yaml:11:44: loadBalancer.endpoints.key-manager.port must be between 1 and 65535");
    }

    @Test
    void twoEndpointsCannotShareAHostAndPort() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - { name: gw1, role: gateway, host: gw1.example }
                  - { name: km2, role: key-manager, host: km2.example }
                  - { name: pub1, role: publisher, host: pub1.example }
                  - { name: pub2, role: publisher, host: pub2.example }
                  - { name: lb1, role: load-balancer, host: lb.example }
                loadBalancer:
                  node: lb1
                  endpoints:
                    key-manager: { host: apim.example, port: 9443 }
                    publisher: { host: apim.example, port: 9443 }
                """)).containsExactly("cluster.yaml:16:44: loadBalancer.endpoints.publisher uses apim.example:9443 "
                + "like key-manager; give each endpoint its own host or port");
    }
}
