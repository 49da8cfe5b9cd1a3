package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The project's own high-availability spec (specs/ha-cluster.yaml) reads into the model it describes. */
class FixtureSpecTest {
    private static ClusterSpec spec;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = FixtureSpecTest.class.getResourceAsStream("/specs/ha-cluster.yaml")) {
            spec = SpecCheck.validSpec(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsTheHeader() {
        assertThat(spec.apiVersion()).isEqualTo("apim-fleet/v1");
        assertThat(spec.cluster()).isEqualTo("fixture-apim");
    }

    @Test
    void readsTheProduct() {
        assertThat(spec.product()).isEqualTo(new Product("2.2.0", "/srv/wso2am-2.2.0", "/usr/lib/jvm/temurin-8-jdk"));
    }

    @Test
    void keepsSecretsAsReferences() {
        assertThat(spec.admin()).isEqualTo(new Admin("fleetadmin", "${secret:fixture-admin}"));
        assertThat(spec.databases().apimgt())
                .isEqualTo(new Database("jdbc:mariadb://sql.fixture.test:3306/apim", "apim", "${secret:apim-db}"));
    }

    @Test
    void readsBlockAndFlowStyleDatabasesAlike() {
        assertThat(spec.databases().byName()).containsOnlyKeys("apimgt", "usermgt", "registry");
        assertThat(spec.databases().registry().password()).isEqualTo("${secret:reg-db}");
        assertThat(spec.databases().driverJar()).isEqualTo("/srv/jdbc/mariadb-java-client-2.7.12.jar");
    }

    @Test
    void readsEightNodesInOrder() {
        assertThat(spec.nodes()).extracting(Node::name)
                .containsExactly("keys-a", "keys-b", "pub-a", "pub-b", "devportal", "throttle", "edge", "front");
        assertThat(spec.nodes()).extracting(Node::role).containsExactly(Role.KEY_MANAGER, Role.KEY_MANAGER,
                Role.PUBLISHER, Role.PUBLISHER, Role.STORE, Role.TRAFFIC_MANAGER, Role.GATEWAY, Role.LOAD_BALANCER);
    }

    @Test
    void readsTheGatewaysAddressAndAlternativeNames() {
        Node edge = spec.node("edge").orElseThrow();
        assertThat(edge.host()).isEqualTo("edge.fixture.test");
        assertThat(edge.address()).isEqualTo("192.0.2.40");
        assertThat(edge.bindAddress()).isEqualTo("192.0.2.40");
        assertThat(edge.altNames()).containsExactly("gateway.fixture.test", "api.fixture.test");
    }

    @Test
    void readsPortOffsetsDefaultingToZero() {
        assertThat(spec.node("throttle").orElseThrow().portOffset()).isEqualTo(2);
        assertThat(spec.node("keys-a").orElseThrow().portOffset()).isZero();
    }

    @Test
    void readsTheLoadBalancerAndItsEndpoints() {
        assertThat(spec.loadBalancer().node()).isEqualTo("front");
        assertThat(spec.loadBalancer().kind()).isEqualTo(LoadBalancer.Kind.NGINX);
        assertThat(spec.endpoint(Role.KEY_MANAGER)).contains(new Endpoint("keys.fixture.test", 9443));
        assertThat(spec.endpoint(Role.PUBLISHER)).contains(new Endpoint("publish.fixture.test", 9444));
        assertThat(spec.endpoint(Role.STORE)).isEmpty();
        assertThat(spec.loadBalancerNode()).map(Node::host).contains("front.fixture.test");
    }

    @Test
    void readsHeapSizesPerRole() {
        assertThat(spec.jvm().heapFor(Role.GATEWAY)).isEqualTo("3g");
        assertThat(spec.jvm().heapFor(Role.KEY_MANAGER)).isEqualTo("768m");
    }

    @Test
    void readsOptions() {
        assertThat(spec.options()).isEqualTo(new Options(true, false, false, true));
    }

    @Test
    void readsTheRolloutWithItsDurations() {
        assertThat(spec.rollout()).isEqualTo(new Rollout(
                List.of(Role.KEY_MANAGER, Role.TRAFFIC_MANAGER, Role.PUBLISHER, Role.STORE, Role.GATEWAY),
                1, Duration.ofSeconds(15), Duration.ofMinutes(4), false, Duration.ofSeconds(5)));
    }
}
