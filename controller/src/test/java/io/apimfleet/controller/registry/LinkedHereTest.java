package io.apimfleet.controller.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which controller holds an agent's connection, as {@link LiveAgents} tells it: its own bridge
 * (a heartbeat over it within the timeout, the link not closed since) or another controller that
 * passes the agent's heartbeats on. A clock of its own, moved by the test.
 */
class LinkedHereTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String OTHER = "https://127.0.0.81:7443";

    @TempDir
    Path tmp;

    private final Vertx vertx = Vertx.vertx();
    private StateWorker worker;
    private long now = 1_000_000_000L;
    private LiveAgents live;
    private final List<String> unlinked = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ControllerState state = TestStates.fresh(tmp);
        worker = new StateWorker(vertx, "linked-here-test");
        live = new LiveAgents(new Journal(state, worker), TIMEOUT, () -> now);
        live.onUnlinked(unlinked::add);
    }

    @AfterEach
    void tearDown() {
        // waited for: a journal line still being written would keep the temporary folder from being deleted
        worker.close().await();
        vertx.close().await();
    }

    @Test
    void anAgentWhoseHeartbeatsAnotherControllerPassesOnIsConnectedThroughThatController() {
        live.heartbeat("km1", null, OTHER);

        assertThat(live.isConnected("km1")).isTrue();
        assertThat(live.isLinkedHere("km1")).isFalse();
        assertThat(live.get("km1").orElseThrow().controller()).isEqualTo(OTHER);
    }

    @Test
    void anAgentLinkedHereStaysLinkedHereWhateverAnotherControllerPassesOn() {
        live.heartbeat("km1", null);
        live.heartbeat("km1", null, OTHER);   // a late one from the controller it left

        assertThat(live.isLinkedHere("km1")).isTrue();
        assertThat(live.get("km1").orElseThrow().controller()).isNull();
    }

    @Test
    void aClosedLinkEndsTheLinkHereAtOnceAndTheConnectionOnlyAfterTheTimeout() {
        live.heartbeat("km1", null);

        live.linkClosed("km1");

        assertThat(live.isLinkedHere("km1")).isFalse();
        assertThat(unlinked).containsExactly("km1");
        assertThat(live.isConnected("km1")).isTrue();
        now += TIMEOUT.toNanos() + 1;
        live.sweep();
        assertThat(live.isConnected("km1")).isFalse();
    }

    @Test
    void anAgentSilentHereForTheTimeoutIsNoLongerLinkedHereThoughAnotherControllerStillHasIt() {
        live.heartbeat("km1", null);
        now += TIMEOUT.toNanos() / 2;
        live.heartbeat("km1", null, OTHER);
        now += TIMEOUT.toNanos() / 2 + 1;

        live.sweep();

        assertThat(unlinked).containsExactly("km1");
        assertThat(live.isLinkedHere("km1")).isFalse();
        assertThat(live.isConnected("km1")).isTrue();
        assertThat(live.get("km1").orElseThrow().controller()).isEqualTo(OTHER);
    }
}
