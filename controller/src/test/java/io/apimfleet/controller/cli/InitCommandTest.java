package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.pki.ControllerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet init}: from the command line, once; never over an existing state. */
class InitCommandTest {
    @TempDir
    Path tmp;

    @Test
    void initCreatesTheStateAndPrintsThePinAndTheNextStep() throws Exception {
        Path state = tmp.resolve("state");

        FleetRun run = FleetRun.of("init", "--state", state.toString(), "--advertise", "ctl.apim.example:7443");

        assertThat(run.exitCode()).as(run.err()).isZero();
        ControllerState created = ControllerState.open(state);
        assertThat(run.outLines()).contains("--ca-hash sha256:" + created.fleetCa().spkiSha256(),
                "next: fleet token create --state " + state + " --node NAME");
        assertThat(run.out()).contains("advertise   ctl.apim.example:7443").contains(created.fleetCa().fingerprintSha256());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("ca/fleet-ca.key")))).isEqualTo("rw-------");
    }

    @Test
    void initOverANonEmptyDirectoryExitsTwoWithOneLine() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Files.writeString(state.resolve("keep.txt"), "mine");

        FleetRun run = FleetRun.of("init", "--state", state.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("fleet init: ").contains("is not empty").doesNotContain("Exception");
        assertThat(state.resolve("keep.txt")).hasContent("mine");
    }

    @Test
    void aBadAdvertiseExitsTwoWithOneLine() {
        FleetRun run = FleetRun.of("init", "--state", tmp.resolve("state").toString(), "--advertise", "no-port");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "fleet init: --advertise must be HOST:PORT (e.g. controller.apim.example:7443), not 'no-port'");
        assertThat(tmp.resolve("state")).doesNotExist();
    }
}
