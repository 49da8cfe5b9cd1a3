package io.apimfleet.agent.cli;

import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.XmlSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgentCommandTest {
    private static final String CARBON = "<Server>\n    <Ports>\n        <Offset>0</Offset>\n    </Ports>\n    <Password>old</Password>\n</Server>\n";

    @TempDir
    Path dir;
    Path home;
    Path bundle;
    Path secrets;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(dir.resolve("home/repository/conf")).getParent().getParent();
        Files.writeString(home.resolve("repository/conf/carbon.xml"), CARBON);
        bundle = dir.resolve("bundle.json");
        Json.mapper().writeValue(bundle.toFile(), new Bundle("gw1", 4, List.of(
                XmlSet.text("repository/conf/carbon.xml", "/Server/Ports/Offset", "2"),
                XmlSet.text("repository/conf/carbon.xml", "/Server/Password", "${secret:store-pass}"))));
        secrets = dir.resolve("secrets");
        Files.writeString(secrets, "# host secrets\nstore-pass=hunter2-long\n");
    }

    private int run(String... args) {
        CommandLine cl = AgentCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String[] common(String command, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--home", home.toString(), "--state", dir.resolve("state").toString(),
                "--secrets", secrets.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void dryRunPrintsAMaskedDiffAndChangesNothing() throws Exception {
        assertThat(run(common("apply", "--bundle", bundle.toString(), "--dry-run"))).isZero();
        assertThat(out.toString()).contains("-        <Offset>0</Offset>", "+        <Offset>2</Offset>", "+    <Password>(secret)</Password>",
                "would change 1 files").doesNotContain("hunter2");
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).isEqualTo(CARBON);
    }

    @Test
    void applyThenApplyAgainThenRollback() throws Exception {
        assertThat(run(common("apply", "--bundle", bundle.toString()))).isZero();
        assertThat(out.toString()).contains("changed 1 files (1 modified, 0 created, 0 deleted) for gw1 revision 4");
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).contains("<Offset>2</Offset>", "<Password>hunter2-long</Password>");

        assertThat(run(common("apply", "--bundle", bundle.toString()))).isZero();
        assertThat(out.toString()).endsWith("no changes\n");

        assertThat(run(common("rollback"))).isZero();
        assertThat(out.toString()).contains("rolled back gw1 revision 4 (1 paths restored); now at revision 0");
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).isEqualTo(CARBON);
    }

    @Test
    void aMalformedBundleIsALocatedErrorNotAStackTrace() throws Exception {
        Files.writeString(bundle, "{\"node\": \"gw1\",\n \"revision\": 1,\n \"operations\": [ {\"op\": \"xml.sett\"} ]}");
        assertThat(run(common("apply", "--bundle", bundle.toString()))).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: " + bundle + ":3:").contains("xml.sett").doesNotContain("\tat ");
    }

    @Test
    void aMissingSecretNamesItsEnvironmentVariable() throws Exception {
        Files.writeString(secrets, "other=x\n");
        assertThat(run(common("apply", "--bundle", bundle.toString()))).isEqualTo(1);
        assertThat(err.toString()).contains("secret 'store-pass' is not available", "FLEET_SECRET_STORE_PASS");
    }
}
