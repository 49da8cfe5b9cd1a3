package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text that is not a YAML mapping gives one located problem, never an exception. */
class YamlSyntaxProblemsTest {

    @Test
    void malformedYamlIsOneProblemAtTheFault() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                  nodes: []
                """)).containsExactly("cluster.yaml:3:8: malformed YAML: mapping values are not allowed here");
    }

    @Test
    void anUnclosedFlowMappingNamesWhereItStarted() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                nodes:
                  - { name: km1, role: key-manager, host: km1.example
                """)).containsExactly("cluster.yaml:5:1: malformed YAML: expected ',' or '}', but got <stream end> "
                + "(while parsing a flow mapping at line 4, column 5)");
    }

    @Test
    void anEmptyFileSaysWhatASpecStartsWith() {
        assertThat(problemsIn("# nothing yet\n")).containsExactly(
                "cluster.yaml:1:1: the file holds no YAML document; a cluster spec starts with apiVersion: apim-fleet/v1");
    }

    @Test
    void aListIsNotASpec() {
        assertThat(problemsIn("- km1\n- km2\n")).containsExactly(
                "cluster.yaml:1:1: a cluster spec is a mapping of fields, starting with apiVersion: apim-fleet/v1");
    }

    @Test
    void aSecondDocumentIsMalformed() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                ---
                cluster: demo
                """)).singleElement().asString().startsWith("cluster.yaml:2:1: malformed YAML: ");
    }
}
