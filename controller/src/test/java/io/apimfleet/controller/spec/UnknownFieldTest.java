package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every field anywhere is known, or reported at its name with the field it probably meant. */
class UnknownFieldTest {

    @Test
    void aMisspeltNodeFieldIsReportedWithTheFieldItResembles() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example, portOfset: 1 }
                """)).containsExactly(
                "cluster.yaml:5:56: unknown field 'portOfset' in node km1; did you mean 'portOffset'?");
    }

    @Test
    void aMisspeltRequiredFieldIsReportedOnceNotAlsoAsMissing() {
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
                    key-manager: { host: km.example, prot: 9443 }
                """)).containsExactly(
                "cluster.yaml:11:38: unknown field 'prot' in loadBalancer.endpoints.key-manager; did you mean 'port'?");
    }

    @Test
    void aMisspeltTopLevelFieldIsReportedAtTheTopLevel() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                clustr: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly(
                "cluster.yaml:2:1: unknown field 'clustr' at the top level; did you mean 'cluster'?");
    }

    @Test
    void anUnknownFieldWithNoCloseMatchListsTheKnownFields() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                product:
                  flavour: vanilla
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly(
                "cluster.yaml:4:3: unknown field 'flavour' in product; known fields: version, home, javaHome");
    }

    @Test
    void anUnknownHeapKeyIsSuggestedTheRoleItResembles() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                jvm:
                  heap: { default: 1g, key-manger: 2g }
                """)).containsExactly(
                "cluster.yaml:7:24: unknown key 'key-manger' in jvm.heap; did you mean 'key-manager'?");
    }

    @Test
    void aFieldWrittenTwiceIsReportedAtTheSecond() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - name: km1
                    role: key-manager
                    host: km1.example
                    host: km1.other.example
                """)).containsExactly(
                "cluster.yaml:8:5: duplicate field 'host' in node km1 (first at line 7); keep only one");
    }
}
