package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Cluster-wide values have the right type and shape. */
class ValueProblemsTest {

    @Test
    void theApiVersionIsApimFleetV1() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v2
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly(
                "cluster.yaml:1:13: apiVersion 'apim-fleet/v2' is not supported; write apiVersion: apim-fleet/v1");
    }

    @Test
    void theClusterNameIsRequired() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly(
                "cluster.yaml:1:1: missing field 'cluster' at the top level; name the cluster, e.g. cluster: prod-apim");
    }

    @Test
    void theClusterNameIsADnsLabel() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: Prod APIM
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:2:10: cluster name 'Prod APIM' must be a DNS label: lower-case "
                + "letters, digits and '-', e.g. prod-apim");
    }

    @Test
    void aListWhereTextBelongsIsReportedNotThrown() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: [demo]
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:2:10: cluster must be text, not a list");
    }

    @Test
    void aSectionMustBeAMapping() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                product: 2.2.0
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:3:10: product must be a mapping of fields");
    }

    @Test
    void theProductVersionIsOneApimFleetDrives() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                product: { version: "3.2.0" }
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:3:21: product.version '3.2.0' is not supported: the recipes render "
                + "API-M 2.2.0's configuration layout only; write version: \"2.2.0\"");
    }

    @Test
    void version210IsRefusedBecauseOnly220IsRendered() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                product: { version: "2.1.0" }
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:3:21: product.version '2.1.0' is not supported: the recipes render "
                + "API-M 2.2.0's configuration layout only; write version: \"2.2.0\"");
    }

    @Test
    void productPathsAreAbsolute() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                product: { home: wso2am-2.2.0 }
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:3:18: product.home must be an absolute path, starting with /");
    }

    @Test
    void aHeapSizeCarriesAUnit() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                jvm:
                  heap: { default: 2048 }
                """)).containsExactly("cluster.yaml:7:20: jvm.heap.default must be a heap size such as 512m or 2g");
    }

    @Test
    void anOptionIsTrueOrFalse() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                options: { jwt: sometimes }
                """)).containsExactly("cluster.yaml:6:17: options.jwt must be true or false");
    }

    @Test
    void aDatabaseUrlIsAJdbcUrl() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                databases:
                  registry: { url: "mysql://db.example/regdb" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:5:20: databases.registry.url must be a JDBC URL such as "
                + "jdbc:mysql://db.example:3306/registrydb");
    }
}
