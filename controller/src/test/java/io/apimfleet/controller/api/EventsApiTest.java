package io.apimfleet.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.FleetEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/events}: the journal as NDJSON, numbered by line, resumable, and followed live. */
class EventsApiTest {
    @TempDir
    Path tmp;

    RunningController controller;

    @BeforeEach
    void setUp() {
        controller = RunningController.start(tmp);
    }

    @AfterEach
    void tearDown() {
        controller.close();
    }

    private List<FleetEvent> events(long since) {
        List<FleetEvent> events = new ArrayList<>();
        controller.admin().events(since, false, line -> events.add(parse(line)));
        return events;
    }

    private static FleetEvent parse(String line) {
        try {
            return Json.mapper().readValue(line, FleetEvent.class);
        } catch (Exception e) {
            throw new AssertionError("not a FleetEvent: " + line, e);
        }
    }

    @Test
    void everyEntryIsNumberedByItsLineInTheJournal() {
        List<FleetEvent> all = events(0);

        assertThat(all).hasSize(controller.state().journal().size());
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).index()).isEqualTo(i + 1);
            assertThat(all.get(i).type()).isEqualTo(controller.state().journal().get(i).get("type"));
        }
        assertThat(all.get(0).type()).isEqualTo("state.initialised");
    }

    @Test
    void sinceNGivesOnlyTheEntriesAfterN() {
        long before = events(0).size();
        controller.state().tokens().create("km1", null, Instant.now());
        controller.state().tokens().create("gw1", null, Instant.now());

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events(before))
                .extracting(FleetEvent::index, FleetEvent::type, FleetEvent::node)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(before + 1, "token.created", "km1"),
                        org.assertj.core.groups.Tuple.tuple(before + 2, "token.created", "gw1")));
    }

    @Test
    void followStreamsNewEntriesAsTheyAreJournaled() {
        long before = events(0).size();
        List<FleetEvent> seen = new CopyOnWriteArrayList<>();
        Thread follower = new Thread(() -> {
            try {
                controller.admin().events(before, true, line -> seen.add(parse(line)));
            } catch (RuntimeException ended) {
                // the controller closed at the end of the test
            }
        });
        follower.setDaemon(true);
        follower.start();

        // written by "another process": through the state directory, not the daemon
        controller.state().tokens().create("km1", null, Instant.now());
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
        controller.state().tokens().create("gw1", null, Instant.now());

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
        assertThat(seen).extracting(FleetEvent::index).containsExactly(before + 1, before + 2);
        assertThat(seen).extracting(FleetEvent::node).containsExactly("km1", "gw1");
    }
}
