package io.apimfleet.e2e;

import io.apimfleet.agent.cli.AgentCommand;
import io.apimfleet.controller.cli.CliReference;
import io.apimfleet.controller.cli.FleetCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/cli.md is what the commands print with --help, command by command: it cannot drift from them. */
class CliReferenceTest {
    private static final Path REFERENCE = Path.of(System.getProperty("fleet.cli.reference", "../docs/cli.md"));

    @Test
    void theCliReferenceIsTheCommandsOwnHelp() throws Exception {
        String generated = CliReference.markdown(List.of(FleetCommand.commandLine(), AgentCommand.commandLine()));
        if (Boolean.getBoolean("fleet.docs.update")) {
            Files.writeString(REFERENCE, generated);
            System.out.println("wrote " + REFERENCE.toAbsolutePath());
        }
        assertThat(REFERENCE).as("docs/cli.md; regenerate it with -Dfleet.docs.update=true").exists();
        assertThat(Files.readString(REFERENCE)).as("docs/cli.md differs from the commands' help: run "
                + "mvn -pl e2e verify -Dtest=CliReferenceTest -Dfleet.docs.update=true and commit it").isEqualTo(generated);
    }
}
