package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet node add NAME --role ROLE --host HOST -f FILE}: the spec file gains a copy of the role's first node. */
class NodeAddCommandTest {
    private static final String SEVEN_NODES = """
            apiVersion: apim-fleet/v1
            cluster: local
            admin:
              password: ${secret:admin-password}   # stays as it is

            nodes:
              - { name: km1,    role: key-manager,     host: 127.0.0.11 }   # the first key manager
              - { name: km2,    role: key-manager,     host: 127.0.0.16 }
              - { name: pub1,   role: publisher,       host: 127.0.0.12 }
              - { name: store1, role: store,           host: 127.0.0.13 }
              - { name: tm1,    role: traffic-manager, host: 127.0.0.14 }
              - { name: gw1,    role: gateway,         host: 127.0.0.15 }
              - { name: lb1,    role: load-balancer,   host: 127.0.0.20 }

            loadBalancer:
              node: lb1
              endpoints:
                key-manager: { host: 127.0.0.21, port: 9443 }
            """;

    @TempDir
    Path dir;

    @Test
    void addsACopyOfTheFirstTwinAfterTheRolesLastNodeAndChangesNothingElse() throws IOException {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SEVEN_NODES);

        FleetRun run = FleetRun.of("node", "add", "km3", "--role", "key-manager", "--host", "127.0.0.17", "-f", spec.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(spec)).isEqualTo(SEVEN_NODES.replace(
                "  - { name: pub1,",
                "  - { name: km3,    role: key-manager,     host: 127.0.0.17 }   # the first key manager\n  - { name: pub1,"));
        assertThat(Files.readString(dir.resolve("cluster.yaml.bak"))).isEqualTo(SEVEN_NODES);
    }

    @Test
    void showsTheChangeAsAUnifiedDiff() throws IOException {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SEVEN_NODES);

        FleetRun run = FleetRun.of("node", "add", "km3", "--role", "key-manager", "--host", "127.0.0.17", "-f", spec.toString());

        assertThat(run.out()).contains("+  - { name: km3,    role: key-manager,     host: 127.0.0.17 }").contains("--- ").contains("+++ ");
        assertThat(run.out().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++"))).hasSize(1);
        assertThat(run.out().lines().filter(l -> l.startsWith("-") && !l.startsWith("---"))).isEmpty();
    }

    @Test
    void aDryRunShowsTheDiffAndWritesNothing() throws IOException {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SEVEN_NODES);

        FleetRun run = FleetRun.of("node", "add", "km3", "--role", "key-manager", "--host", "127.0.0.17", "-f", spec.toString(), "--dry-run");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("+  - { name: km3,");
        assertThat(Files.readString(spec)).isEqualTo(SEVEN_NODES);
        assertThat(dir.resolve("cluster.yaml.bak")).doesNotExist();
    }

    @Test
    void aSecondNodeOfARoleWithoutAnEndpointLeavesTheFileUnchangedAndSaysWhy() throws IOException {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SEVEN_NODES);

        FleetRun run = FleetRun.of("node", "add", "pub2", "--role", "publisher", "--host", "127.0.0.17", "-f", spec.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(spec + " was left unchanged").contains("loadBalancer.endpoints");
        assertThat(Files.readString(spec)).isEqualTo(SEVEN_NODES);
    }

    @Test
    void aSecondNodeOfARoleGetsItsEndpointFromEndpointOption() throws IOException {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SEVEN_NODES);

        FleetRun run = FleetRun.of("node", "add", "pub2", "--role", "publisher", "--host", "127.0.0.17", "--endpoint", "127.0.0.22:9444",
                "-f", spec.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(spec)).contains("""
                  - { name: pub1,   role: publisher,       host: 127.0.0.12 }
                  - { name: pub2,   role: publisher,       host: 127.0.0.17 }
                """).endsWith("""
                    key-manager: { host: 127.0.0.21, port: 9443 }
                    publisher: { host: 127.0.0.22, port: 9444 }
                """);
    }

    @Test
    void aTakenNameIsRefused() throws IOException {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SEVEN_NODES);

        FleetRun run = FleetRun.of("node", "add", "pub1", "--role", "key-manager", "--host", "127.0.0.16", "-f", spec.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("a node named pub1 is already in the spec");
        assertThat(Files.readString(spec)).isEqualTo(SEVEN_NODES);
    }

    @Test
    void aBlockStyleEntryIsCopiedWithItsAddressReplaced() throws IOException {
        String block = """
                apiVersion: apim-fleet/v1
                cluster: local
                admin:
                  password: ${secret:admin-password}
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                  - { name: tm1, role: traffic-manager, host: tm1.example }
                  - name: gw1
                    role: gateway
                    host: gw1.example
                    address: 10.0.0.1
                rollout:
                  minHealthy: 1s
                """;
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), block);

        FleetRun noAddress = FleetRun.of("node", "add", "gw2", "--role", "gateway", "--host", "gw2.example", "-f", spec.toString());
        FleetRun withAddress = FleetRun.of("node", "add", "gw2", "--role", "gateway", "--host", "gw2.example", "--address", "10.0.0.2",
                "-f", spec.toString());

        assertThat(noAddress.exitCode()).isEqualTo(2);
        assertThat(noAddress.err()).contains("gw1 binds to address 10.0.0.1; give the new node its own with --address");
        assertThat(withAddress.exitCode()).as(withAddress.err()).isZero();
        assertThat(Files.readString(spec)).contains("""
                    address: 10.0.0.1
                  - name: gw2
                    role: gateway
                    host: gw2.example
                    address: 10.0.0.2
                rollout:
                """);
    }
}
