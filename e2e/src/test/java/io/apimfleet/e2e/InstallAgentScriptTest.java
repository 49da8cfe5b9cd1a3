package io.apimfleet.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code install-agent.sh} from the built tarball, for hosts without dpkg: into a temporary prefix, with
 * the unit directory redirected, as whoever runs the test (no account is created, none needed), so
 * it writes nothing outside this test's folders. Then an upgrade over it, and a refusal.
 */
class InstallAgentScriptTest {
    private static final Path PACKAGING = Launched.DIST.getParent().getParent();

    @TempDir
    Path dir;

    @Test
    void installsTheAgentIntoAPrefixWritesItsUnitAndUpgradesInPlace() throws Exception {
        Path tarball = onlyTarball();
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        assertThat(run(dir, "tar", "-xzf", tarball.toString(), "-C", unpacked.toString()).exit).isZero();
        Path script;
        try (Stream<Path> top = Files.list(unpacked)) {
            script = top.findFirst().orElseThrow().resolve("install-agent.sh");
        }
        Path prefix = dir.resolve("opt/apim-fleet");
        Path units = dir.resolve("units");
        String user = System.getProperty("user.name");

        long t0 = System.nanoTime();
        Result install = run(dir, script.toString(), "--prefix", prefix.toString(), "--user", user, "--unit-dir", units.toString(),
                tarball.toString());
        long installed = System.nanoTime();
        assertThat(install.exit).as(install.output).isZero();
        Path state = prefix.resolve("state");
        assertThat(install.output).contains("next: " + prefix + "/bin/fleet-agent join --state " + state);

        assertThat(run(dir, prefix.resolve("bin/fleet-agent").toString(), "--version").output).startsWith("fleet-agent ");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        assertThat(Files.getOwner(state).getName()).isEqualTo(user);
        try (Stream<Path> written = Files.list(units)) {
            assertThat(written.map(p -> p.getFileName().toString()).toList()).containsExactly("apim-fleet-agent.service");
        }
        String unit = Files.readString(units.resolve("apim-fleet-agent.service"), StandardCharsets.UTF_8);
        assertThat(unit).contains("\nExecStart=" + prefix + "/bin/fleet-agent run --state " + state + " $FLEET_AGENT_OPTS\n",
                "\nUser=" + user + "\n", "\nKillMode=process\n", "\nRestart=on-failure\n", "\nSuccessExitStatus=143\n",
                "\nEnvironmentFile=-" + prefix + "/etc/agent.env\n", "\nConditionPathExists=" + state + "/identity/agent.crt\n");
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            Result verify = run(dir, "systemd-analyze", "verify", units.resolve("apim-fleet-agent.service").toString());
            assertThat(verify.exit).as(verify.output).isZero();
        }

        // An upgrade replaces bin/ and lib/ whole (no stale jar on the class path) and keeps state and configuration.
        Path stray = Files.writeString(prefix.resolve("lib/stale-0.9.jar"), "old");
        Path kept = Files.writeString(state.resolve("host-secrets.json"), "{}");
        Files.writeString(prefix.resolve("etc/agent.env"), "FLEET_AGENT_OPTS=--home /srv/km1\n");
        Result upgrade = run(dir, script.toString(), "--prefix", prefix.toString(), "--user", user, "--unit-dir", units.toString(),
                tarball.toString());
        assertThat(upgrade.exit).as(upgrade.output).isZero();
        assertThat(stray).doesNotExist();
        assertThat(kept).hasContent("{}");
        assertThat(prefix.resolve("etc/agent.env")).hasContent("FLEET_AGENT_OPTS=--home /srv/km1");
        try (Stream<Path> top = Files.list(prefix)) {
            assertThat(top.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("bin", "etc", "examples", "install-agent.sh", "lib", "state");
        }

        // A missing account is refused before anything is written.
        Path elsewhere = dir.resolve("elsewhere");
        Result refused = run(dir, script.toString(), "--prefix", elsewhere.toString(), "--user", "no-such-user-apim-fleet",
                "--unit-dir", dir.resolve("units2").toString(), tarball.toString());
        assertThat(refused.exit).isEqualTo(1);
        assertThat(refused.output).contains("no account 'no-such-user-apim-fleet'");
        assertThat(elsewhere).doesNotExist();
        assertThat(dir.resolve("units2")).doesNotExist();
        System.out.printf("InstallAgentScriptTest: tarball %.1f MB, install %.1f s%n", Files.size(tarball) / 1e6, (installed - t0) / 1e9);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 120 s: " + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Path onlyTarball() throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> tarballs = Files.newDirectoryStream(PACKAGING.resolve("target"), "apim-fleet-*.tar.gz")) {
            tarballs.forEach(found::add);
        }
        assertThat(found).as("the tarball in " + PACKAGING.resolve("target") + " (mvn package builds it)").hasSize(1);
        return found.get(0);
    }
}
