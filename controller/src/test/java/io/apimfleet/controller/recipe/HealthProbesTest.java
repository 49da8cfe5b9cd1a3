package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.bundle.Probe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Each role's probes, from its ports plus the node's offset (one-host-offsets.yaml: offsets 1 to 7). */
class HealthProbesTest {
    private static final ClusterSpec SPEC = ApimHomes.spec("one-host-offsets.yaml");

    private static List<String> probes(String node) {
        return Recipes.bundle(SPEC, node, 1, jar -> Optional.empty()).bundle().probes().stream()
                .map(p -> p.name() + " " + p.kind() + " " + p.host() + ":" + p.port() + (p.path() == null ? "" : p.path()))
                .toList();
    }

    @Test
    void everyRoleProbesItsManagementConsoleOverHttpsAtItsOffset() {
        assertThat(probes("pub")).containsExactly("console HTTPS apim.offsets.test:9445/carbon/admin/login.jsp");
        assertThat(probes("store")).containsExactly("console HTTPS apim.offsets.test:9446/carbon/admin/login.jsp");
    }

    @Test
    void aKeyManagerAlsoProbesItsThriftPort() {
        assertThat(probes("km")).containsExactly("console HTTPS apim.offsets.test:9444/carbon/admin/login.jsp",
                "thrift TCP apim.offsets.test:10398");
    }

    @Test
    void aTrafficManagerProbesItsReceiverAuthAndJmsPorts() {
        assertThat(probes("tm-b")).containsExactly("console HTTPS apim.offsets.test:9448/carbon/admin/login.jsp",
                "throttle-receiver TCP apim.offsets.test:9616", "throttle-auth TCP apim.offsets.test:9716", "jms TCP apim.offsets.test:5677");
    }

    @Test
    void aGatewayProbesItsPassThroughPorts() {
        assertThat(probes("gw-a")).containsExactly("console HTTPS apim.offsets.test:9449/carbon/admin/login.jsp",
                "passthrough-http TCP apim.offsets.test:8286", "passthrough-https TCP apim.offsets.test:8249");
    }

    @Test
    void theStartUpAllowanceIsTheRolloutsHealthyDeadline() {
        Probe console = Recipes.bundle(SPEC, "km", 1, jar -> Optional.empty()).bundle().probes().get(0);
        assertThat(console.startupGrace()).isEqualTo(SPEC.rollout().healthyDeadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(console.failureThreshold()).isEqualTo(3);
    }

    @Test
    void aShortProbeIntervalDoesNotShortenTheTimeoutOfEachAttempt() {
        String yaml;
        try {
            yaml = java.nio.file.Files.readString(java.nio.file.Path.of(HealthProbesTest.class.getResource("/specs/one-host-offsets.yaml").toURI()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        ClusterSpec fast = io.apimfleet.controller.spec.Specs.check("fast.yaml", yaml + "rollout: { probeInterval: 100ms }\n").validSpec();
        Probe console = Recipes.bundle(fast, "km", 1, jar -> Optional.empty()).bundle().probes().get(0);

        assertThat(console.interval()).isEqualTo(Duration.ofMillis(100));
        assertThat(console.timeout()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aHungProductFailsItsProbesWithinAFewIntervalsNotFiveSecondsEach() {
        assertThat(HealthProbes.timeout(Duration.ofMillis(250))).isEqualTo(Duration.ofSeconds(1));
        assertThat(HealthProbes.timeout(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(2));
        assertThat(HealthProbes.timeout(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }
}
