package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet validate -f FILE}: a summary and exit 0, or every problem on stderr and exit 2. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    @Test
    void aValidSpecPrintsOneSummaryLineAndExitsZero() throws IOException {
        Path spec = dir.resolve("cluster.yaml");
        try (InputStream fixture = getClass().getResourceAsStream("/specs/ha-cluster.yaml")) {
            Files.copy(fixture, spec);
        }

        FleetRun run = FleetRun.of("validate", "-f", spec.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(spec + ": valid: cluster fixture-apim, 8 nodes (2 key-manager, "
                + "2 publisher, 1 store, 1 traffic-manager, 1 gateway, 1 load-balancer)");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void anInvalidSpecPrintsEveryProblemInReadingOrderAndExitsTwo() throws IOException {
        Path spec = Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                nodes:
                  - { name: gw1, role: gateway, host: gw1.example, prot: 1 }
                """);

        FleetRun run = FleetRun.of("validate", "-f", spec.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                spec + ":5:24: no node has role key-manager, which gateway needs; add a node with role: key-manager",
                spec + ":5:24: no node has role traffic-manager, which gateway needs; add a node with role: "
                        + "traffic-manager",
                spec + ":5:52: unknown field 'prot' in node gw1; known fields: name, role, host, portOffset, address, "
                        + "altNames, home");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void problemsNameTheFileAsTheUserTypedIt() throws IOException {
        Files.writeString(dir.resolve("typo.yaml"), "apiVersion: apim-fleet/v1\ncluster: demo\n");
        String typed = dir + "/./typo.yaml";

        FleetRun run = FleetRun.of("validate", "-f", typed);

        assertThat(run.errLines()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith(typed + ":"));
    }

    @Test
    void malformedYamlIsOneLocatedLineAndExitsTwo() throws IOException {
        Path spec = Files.writeString(dir.resolve("broken.yaml"), "apiVersion: apim-fleet/v1\ncluster: demo\n  nodes: []\n");

        FleetRun run = FleetRun.of("validate", "-f", spec.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(spec + ":3:8: malformed YAML: mapping values are not allowed here");
    }

    @Test
    void aMissingFileIsOneClearLineAndExitsTwo() {
        String missing = dir.resolve("nope.yaml").toString();

        FleetRun run = FleetRun.of("validate", "-f", missing);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("fleet: cannot read " + missing + ": no such file");
    }

    @Test
    void aDirectoryIsNotASpecFile() {
        FleetRun run = FleetRun.of("validate", "-f", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("fleet: cannot read " + dir + ": it is a directory, not a spec file");
    }

    @Test
    void aFileThatIsNotUtf8IsOneClearLine() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'c', ':', ' ', (byte) 0xE9, '\n'});

        FleetRun run = FleetRun.of("validate", "-f", latin1.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("fleet: cannot read " + latin1 + ": not UTF-8 text");
    }

    @Test
    void withoutAFileItShowsUsageAndExitsTwo() {
        FleetRun run = FleetRun.of("validate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--file=FILE'").contains("Usage: fleet validate");
    }
}
