package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static io.apimfleet.controller.spec.SpecCheck.validSpec;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each node is named, addressed and placed so that no two of them clash. */
class NodeProblemsTest {

    @Test
    void twoNodesCannotShareAName() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: km1, role: traffic-manager, host: tm1.example }
                """)).containsExactly(
                "cluster.yaml:6:13: node name 'km1' is already used at line 5; give each node its own name");
    }

    @Test
    void aNodeNameMustBeADnsLabel() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: Key_Manager, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:5:13: node name 'Key_Manager' must be a DNS label: lower-case "
                + "letters, digits and '-', at most 63, e.g. km1");
    }

    @Test
    void aNodeNameStartingWithFleetIsReservedAsForJoinTokens() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: fleet-km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:5:13: node name 'fleet-km1' is reserved: names starting with fleet- "
                + "are the controller's own identities; give the node another name, e.g. km1");
    }

    @Test
    void twoNodesOnTheSameHostWithTheSamePortOffsetCollide() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: apim1.example }
                  - { name: tm1, role: traffic-manager, host: apim1.example, portOffset: 0 }
                """)).containsExactly("cluster.yaml:6:74: node tm1 would open the same ports as node km1 (both on "
                + "host apim1.example, portOffset 0); give it another portOffset or another host");
    }

    @Test
    void twoNodesOnTheSameHostWithDifferentPortOffsetsDoNotCollide() {
        validSpec("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: apim1.example }
                  - { name: tm1, role: traffic-manager, host: apim1.example, portOffset: 1 }
                """);
    }

    @Test
    void twoNodesBindingTheSameAddressWithTheSamePortOffsetCollide() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example, address: 10.0.0.5 }
                  - { name: tm1, role: traffic-manager, host: tm1.example, address: 10.0.0.5 }
                """)).containsExactly("cluster.yaml:6:5: node tm1 would open the same ports as node km1 (both bind "
                + "10.0.0.5, portOffset 0); give it another portOffset or another host");
    }

    @Test
    void aNodeWhoseHostIsAnAddressCollidesWithANodeBindingIt() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: 127.0.0.2 }
                  - { name: tm1, role: traffic-manager, host: tm1.example, address: 127.0.0.2 }
                """)).containsExactly("cluster.yaml:6:5: node tm1 would open the same ports as node km1 (both bind "
                + "127.0.0.2, portOffset 0); give it another portOffset or another host");
    }

    @Test
    void nodesOnDistinctLoopbackAddressesDoNotCollide() {
        validSpec("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: 127.0.0.2 }
                  - { name: tm1, role: traffic-manager, host: 127.0.0.3 }
                """);
    }

    @Test
    void aHostMustBeADnsNameOrAnIpAddress() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: "km1 example" }
                """)).containsExactly("cluster.yaml:5:43: host of node km1 must be a DNS name or an IP address");
    }

    @Test
    void anAddressMustBeAnIpLiteral() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example, address: km1.internal }
                """)).containsExactly("cluster.yaml:5:65: address of node km1 must be an IP address (v4 or v6), the "
                + "one its listeners bind to; names go in host");
    }

    @Test
    void altNamesMustBeDnsNames() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - name: km1
                    role: key-manager
                    host: km1.example
                    altNames: [keys.example, "keys example"]
                """)).containsExactly(
                "cluster.yaml:8:30: altNames[1] of node km1 must be a DNS name such as api.example.com");
    }

    @Test
    void aPortOffsetIsAWholeNumber() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example, portOffset: one }
                """)).containsExactly("cluster.yaml:5:68: portOffset of node km1 must be a whole number");
    }

    @Test
    void aPortOffsetStaysBetweenZeroAndOneThousand() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example, portOffset: 60000 }
                """)).containsExactly("cluster.yaml:5:68: portOffset of node km1 must be between 0 and 1000");
    }

    @Test
    void aNodeHomeIsAnAbsolutePath() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example, home: wso2am }
                """)).containsExactly("cluster.yaml:5:62: home of node km1 must be an absolute path, starting with /");
    }

    @Test
    void aNodeWithoutAHostIsReportedAtTheNode() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - name: km1
                    role: key-manager
                """)).containsExactly("cluster.yaml:5:5: missing field 'host' in node km1; add host: the DNS name "
                + "(or IP address) its peers use");
    }

    @Test
    void aNodeMustBeAMapping() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - km2
                """)).containsExactly("cluster.yaml:6:5: nodes[1] must be a mapping of fields");
    }

    @Test
    void anEmptyNodeListIsReported() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes: []
                """)).containsExactly("cluster.yaml:4:8: nodes is empty; list at least one node, e.g. - { name: km1, "
                + "role: key-manager, host: km1.example }");
    }
}
