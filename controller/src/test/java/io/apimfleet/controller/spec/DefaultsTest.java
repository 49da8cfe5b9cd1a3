package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a spec gets for every section it leaves out. */
class DefaultsTest {
    private final ClusterSpec minimal = SpecCheck.validSpec("""
            apiVersion: apim-fleet/v1
            cluster: demo
            admin: { password: "${secret:admin}" }
            nodes:
              - { name: km1, role: key-manager, host: km1.example }
            """);

    @Test
    void productIsApim220InOpt() {
        assertThat(minimal.product()).isEqualTo(new Product("2.2.0", "/opt/wso2am-2.2.0", null));
    }

    @Test
    void productHomeFollowsTheVersion() {
        // 2.1.0 is refused (only 2.2.0 is rendered), but the loader still derives its default home.
        ClusterSpec older = Specs.check(SpecCheck.FILE, """
                apiVersion: apim-fleet/v1
                cluster: demo
                product: { version: "2.1.0" }
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """).spec();
        assertThat(older.product().home()).isEqualTo("/opt/wso2am-2.1.0");
    }

    @Test
    void adminUsernameIsAdmin() {
        assertThat(minimal.admin().username()).isEqualTo("admin");
    }

    @Test
    void databasesAreAbsent() {
        assertThat(minimal.databases()).isEqualTo(Databases.NONE);
        assertThat(minimal.databases().byName()).isEmpty();
    }

    @Test
    void thereIsNoLoadBalancer() {
        assertThat(minimal.loadBalancer()).isNull();
        assertThat(minimal.loadBalancerNode()).isEmpty();
    }

    @Test
    void loadBalancerKindIsHaproxy() {
        assertThat(new LoadBalancer("lb1", null, null).kind()).isEqualTo(LoadBalancer.Kind.HAPROXY);
    }

    @Test
    void heapIsOneGigabyteUnlessADefaultIsGiven() {
        assertThat(minimal.jvm().heapFor(Role.GATEWAY)).isEqualTo("1g");
        assertThat(new Jvm(Map.of("default", "2g")).heapFor(Role.STORE)).isEqualTo("2g");
    }

    @Test
    void optionsKeepOnlyWebsocketOn() {
        assertThat(minimal.options()).isEqualTo(new Options(false, false, true, false));
    }

    @Test
    void rolloutStartsRolesInTheGuidesOrderOneAtATime() {
        assertThat(minimal.rollout()).isEqualTo(new Rollout(
                List.of(Role.KEY_MANAGER, Role.PUBLISHER, Role.STORE, Role.TRAFFIC_MANAGER, Role.GATEWAY),
                1, Duration.ofSeconds(10), Duration.ofMinutes(5), true, Duration.ofSeconds(5)));
    }

    @Test
    void yamlBooleansAcceptYesAndNo() {
        ClusterSpec spec = SpecCheck.validSpec("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                options: { samples: yes, websocket: no }
                """);
        assertThat(spec.options().samples()).isTrue();
        assertThat(spec.options().websocket()).isFalse();
    }
}
