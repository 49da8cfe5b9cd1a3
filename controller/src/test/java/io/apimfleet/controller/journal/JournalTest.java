package io.apimfleet.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file seen as numbered entries: index = line number, even around lines it cannot read. */
class JournalTest {
    @TempDir
    Path tmp;

    Vertx vertx;
    ControllerState state;
    Journal journal;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        state = TestStates.fresh(tmp);
        journal = new Journal(state, new StateWorker(vertx, "journal-test"));
        vertx.runOnContext(v -> journal.start(vertx, Duration.ofMinutes(1)));
    }

    @AfterEach
    void tearDown() {
        vertx.close();
    }

    private Journal.Page read(long since, int max) throws Exception {
        return journal.read(since, max).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnreadableLineKeepsItsIndexSoLaterEntriesKeepTheirs() throws Exception {
        Path file = state.dir().resolve(Journal.FILE);
        Files.writeString(file, "not json\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        long garbage = Files.readAllLines(file).size();
        journal.record("probe.changed", Map.of("node", "km1", "probe", "https", "state", "passing"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        Journal.Page page = read(garbage - 1, 10);

        assertThat(page.through()).isEqualTo(garbage + 1);
        assertThat(page.events()).singleElement().satisfies(e -> {
            assertThat(e.index()).isEqualTo(garbage + 1);
            assertThat(e.type()).isEqualTo(FleetEvent.PROBE_CHANGED);
            assertThat(e.node()).isEqualTo("km1");
            assertThat(e.fields()).containsEntry("probe", "https");
        });
        assertThat(journal.size()).isEqualTo(garbage + 1);
    }

    @Test
    void aPageStopsAtItsMaximumAndSaysWhereItStopped() throws Exception {
        for (int i = 0; i < 5; i++) {
            journal.record("probe.changed", Map.of("node", "km" + i)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        long size = journal.size();

        Journal.Page page = read(size - 5, 2);

        assertThat(page.through()).isEqualTo(size - 3);
        assertThat(page.events()).extracting(FleetEvent::node).containsExactly("km0", "km1");
    }

    @Test
    void onlyNewlineTerminatedLinesCount() throws Exception {
        Path file = state.dir().resolve(Journal.FILE);
        long complete = Files.readAllLines(file).size();
        Files.writeString(file, "{\"time\":\"2026-01-01T00:00:00Z\",\"type\":\"half", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        journal.record("probe.changed", Map.of()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        // the half line and the record's line end up as one unreadable line: one index, no phantom entry
        assertThat(journal.size()).isEqualTo(complete + 1);
    }
}
