package io.apimfleet.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void runWithoutAnIdentitySaysToJoinFirst() {
        StringWriter err = new StringWriter();
        CommandLine cl = AgentCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("run", "--state", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: no fleet identity in " + dir)
                .contains("join first (fleet-agent join --controller");
    }

    @Test
    void joinWithoutATokenIsAnErrorBeforeAnyConnection() {
        StringWriter err = new StringWriter();
        CommandLine cl = AgentCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute("join", "--controller", "https://127.0.0.1:1", "--ca-hash", "sha256:" + "0".repeat(64),
                "--node", "km1", "--state", dir.toString());
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("--token is required (or set FLEET_JOIN_TOKEN)");
    }

    @Test
    void joinRequiresTheNodeName() {
        StringWriter err = new StringWriter();
        CommandLine cl = AgentCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute("join", "--controller", "https://127.0.0.1:1", "--ca-hash", "sha256:" + "0".repeat(64),
                "--token", "abcdef.x", "--state", dir.toString());
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--node=NAME'");
    }
}
