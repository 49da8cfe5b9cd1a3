package io.apimfleet.controller.cli;

import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.FleetEvent;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RolloutProgressTest {
    private final StringWriter text = new StringWriter();

    private static String event(long index, String type, Object... fields) throws Exception {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            map.put((String) fields[i], fields[i + 1]);
        }
        return Json.mapper().writeValueAsString(new FleetEvent(index, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(index), type,
                (String) map.get("node"), map));
    }

    @Test
    void printsOnlyItsOwnRolloutsStepsWithTheTimeSinceItStarted() throws Exception {
        RolloutProgress progress = new RolloutProgress(new PrintWriter(text), 7, false, false);
        progress.accept(event(1, FleetEvent.ROLLOUT_STARTED, "rollout", 7));
        progress.accept(event(2, FleetEvent.ROLLOUT_NODE, "rollout", 6, "node", "km9", "step", "applying"));
        progress.accept(event(3, FleetEvent.ROLLOUT_NODE, "rollout", 7, "node", "km1", "step", "waiting", "probes", List.of("console", "thrift")));
        progress.accept(event(4, FleetEvent.ROLLOUT_NODE, "rollout", 7, "node", "km1", "step", "healthy", "seconds", 1.5));
        assertThat(text.toString()).isEqualTo("""
                [   2.0s] km1: waiting for probes console, thrift
                [   3.0s] km1: healthy after 1.5 s
                """);
    }

    @Test
    void theRenderingOfEveryBundleIsALineOfItsOwn() throws Exception {
        RolloutProgress progress = new RolloutProgress(new PrintWriter(text), 7, false, false);
        progress.accept(event(1, "rollout.rendered", "rollout", 7, "nodes", List.of("km1", "gw1"), "seconds", 1.2));
        assertThat(text.toString()).contains("rendered 2 bundles, certificates checked, in 1.2 s");
    }

    @Test
    void aFailedNodeShowsItsReasonAndTheProductsLastLines() throws Exception {
        RolloutProgress progress = new RolloutProgress(new PrintWriter(text), 7, false, false);
        progress.accept(event(1, FleetEvent.ROLLOUT_NODE, "rollout", 7, "node", "gw1", "step", "failed",
                "reason", "not healthy within rollout.healthyDeadline (6 s): probe console (starting)", "lastLines", List.of("ERROR boom")));
        assertThat(text.toString()).contains("gw1: FAILED: not healthy within rollout.healthyDeadline").contains("| ERROR boom");
    }

    @Test
    void onATerminalANodesNextStepReplacesItsPreviousLine() throws Exception {
        RolloutProgress progress = new RolloutProgress(new PrintWriter(text), 7, false, true);
        progress.accept(event(1, FleetEvent.ROLLOUT_NODE, "rollout", 7, "node", "km1", "step", "applying"));
        progress.accept(event(2, FleetEvent.ROLLOUT_NODE, "rollout", 7, "node", "km1", "step", "starting"));
        progress.accept(event(3, FleetEvent.ROLLOUT_NODE, "rollout", 7, "node", "pub1", "step", "applying"));
        assertThat(text.toString().split("\u001b\\[1A", -1)).hasSize(2);
    }

    @Test
    void theFinishedEventEndsTheStreamWithTheRolloutsOutcome() throws Exception {
        RolloutProgress progress = new RolloutProgress(new PrintWriter(text), 7, false, false);
        assertThatThrownBy(() -> progress.accept(event(9, FleetEvent.ROLLOUT_FINISHED, "rollout", 7, "state", "failed", "seconds", 3.0)))
                .isInstanceOfSatisfying(RolloutProgress.Finished.class, f -> assertThat(f.succeeded()).isFalse());
        assertThat(text.toString()).contains("rollout 7 failed in 3.0 s");
    }
}
