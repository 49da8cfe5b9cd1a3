package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.testing.RunningController;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet controller token create} against a running first controller (127.0.0.129), then the
 * very command it printed, with the new host's values, as {@code fleet controller join}.
 */
class ControllerJoinCliTest {
    private static final String FIRST = "127.0.0.129";
    private static final String JOINED = "127.0.0.130";

    @TempDir
    Path tmp;

    RunningController first;

    @BeforeEach
    void setUp() throws Exception {
        first = RunningController.admitting(TestStates.fresh(Files.createDirectories(tmp.resolve("first"))), FIRST);
    }

    @AfterEach
    void tearDown() {
        first.close();
    }

    /** The join command {@code fleet controller token create} printed, its placeholders filled for the new host. */
    private List<String> printedJoin(Path state) {
        FleetRun created = FleetRun.of("controller", "token", "create", "--state", first.state().dir().toString(),
                "--controller", first.api().toString(), "--ttl", "10m");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String line = created.outLines().stream().filter(l -> l.startsWith("fleet controller join ")).findFirst().orElseThrow();
        List<String> args = new ArrayList<>(List.of(line.substring("fleet ".length())
                .replace(" DIR ", " " + state + " ").replace(" HOST:PORT ", " " + JOINED + ":7443 ").replace(" ADDR", " " + JOINED)
                .split(" ")));
        // the printed command names the first controller by its advertised address; the test reaches it on its bound one
        args.set(args.indexOf("--controller") + 1, first.api().toString());
        return args;
    }

    @Test
    void theCommandTokenCreatePrintedJoinsAControllerThatOpensWithItsOwnIntermediates() {
        Path state = tmp.resolve("joined");

        FleetRun joined = FleetRun.of(printedJoin(state).toArray(String[]::new));

        assertThat(joined.exitCode()).as(joined.err()).isZero();
        assertThat(joined.out()).contains("joined fleet " + first.state().fleetId(), "fleet controller run --state " + state + " --cluster");
        assertThat(ControllerState.open(state).fleetCa().intermediate()).isTrue();
    }

    @Test
    void theTokenIsPrintedOnceAndKeptOnlyAsItsHash() throws Exception {
        List<String> args = printedJoin(tmp.resolve("joined"));
        String token = args.get(args.indexOf("--token") + 1);

        assertThat(Files.readString(first.state().dir().resolve("tokens.json")) + readIfExists(first.state().dir().resolve("tokens.json.log")))
                .doesNotContain(token.substring(7));
        assertThat(Files.readString(first.state().dir().resolve("journal/events.ndjson"))).doesNotContain(token.substring(7));
    }

    @Test
    void aFleetRootThatDoesNotMatchTheCaHashExitsWith3AndSendsNothing() {
        List<String> args = printedJoin(tmp.resolve("joined"));
        args.set(args.indexOf("--ca-hash") + 1, "sha256:" + "0".repeat(64));

        FleetRun joined = FleetRun.of(args.toArray(String[]::new));

        assertThat(joined.exitCode()).isEqualTo(3);
        assertThat(joined.err()).contains("does not match --ca-hash", "nothing was sent");
        assertThat(first.journal("controller.admitted")).isEmpty();
    }

    private static String readIfExists(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
