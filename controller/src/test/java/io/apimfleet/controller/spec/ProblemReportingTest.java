package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A spec's problems come all at once, one per mistake, in reading order. */
class ProblemReportingTest {

    @Test
    void threeDistinctMistakesGiveExactlyThreeLocatedProblems() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: tm1, role: trafic-manager, host: tm1.example }
                  - { name: gw1, role: gateway, host: gw1.example, adress: 10.0.0.9 }
                rollout:
                  maxUnavailable: 0
                """)).containsExactly(
                "cluster.yaml:6:24: unknown role 'trafic-manager' in node tm1; did you mean 'traffic-manager'? "
                        + "(roles: key-manager, publisher, store, traffic-manager, gateway, load-balancer)",
                "cluster.yaml:7:52: unknown field 'adress' in node gw1; did you mean 'address'?",
                "cluster.yaml:9:19: rollout.maxUnavailable must be at least 1");
    }

    @Test
    void problemsAreSortedByLineThenColumn() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: KM1, role: key-manager, host: "km 1", portOffset: -1 }
                rollout: { maxUnavailable: 0 }
                clustr: x
                """)).extracting(line -> line.substring(0, line.indexOf(": ")))
                .containsExactly("cluster.yaml:5:13", "cluster.yaml:5:43", "cluster.yaml:5:63", "cluster.yaml:6:28",
                        "cluster.yaml:7:1");
    }

    @Test
    void aValidSpecHasNoProblems() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).isEmpty();
    }
}
