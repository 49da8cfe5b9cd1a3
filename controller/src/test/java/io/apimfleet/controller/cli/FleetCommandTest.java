package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetCommandTest {

    @Test
    void theVersionIsDevOutsideAPackagedJar() {
        FleetRun run = FleetRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly("fleet dev");
    }

    @Test
    void helpListsTheSubcommandsAndExitsZero() {
        FleetRun run = FleetRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: fleet").contains("validate");
    }

    @Test
    void withoutASubcommandItShowsUsageAndExitsTwo() {
        FleetRun run = FleetRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Usage: fleet");
    }

    @Test
    void anUnknownSubcommandExitsTwo() {
        FleetRun run = FleetRun.of("vaildate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("vaildate");
    }
}
