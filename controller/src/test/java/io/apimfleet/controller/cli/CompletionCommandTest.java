package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code fleet completion}: a bash completion script that knows every command, made by picocli from them. */
class CompletionCommandTest {
    @Test
    void theScriptRegistersCompletionForFleetAndKnowsItsSubcommandsAndOptions() {
        FleetRun run = FleetRun.of("completion");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("complete -F _complete_fleet").contains("fleet")
                .contains("rollout").contains("undo").contains("--yes").contains("demo");
    }
}
