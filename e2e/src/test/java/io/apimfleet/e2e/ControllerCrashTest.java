package io.apimfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.bundle.stage.AppliedRevision;
import io.apimfleet.bundle.stage.FileRecord;
import io.apimfleet.bundle.stage.StateDir;
import io.apimfleet.protocol.ContentHash;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.AgentView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} of a lone controller at a random step of a rolling reconfiguration of a
 * three-node cluster (key manager, traffic manager, gateway), {@code fleet.crash.rounds} times (5 by default; 20 with
 * {@code -Dfleet.crash.rounds=20}); {@code fleet.crash.seed} replays a run. After each kill
 * every node's files are those of exactly one revision (checked file by file against its agent's
 * record of what each applied revision wrote), that revision is the node's previous one or the
 * interrupted one, the restarted controller reports the rollout aborted with what was in flight,
 * and the rollout is then resumed (odd rounds) or undone (even rounds) to a healthy cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerCrashTest {
    static final int ROUNDS = Integer.getInteger("fleet.crash.rounds", 5);
    static final long SEED = Long.getLong("fleet.crash.seed", System.nanoTime());
    static final String JOURNAL = io.apimfleet.controller.journal.Journal.FILE;
    static final String ROLLOUT = "{ minHealthy: 0s, healthyDeadline: 30s, probeInterval: 100ms }";
    /** Three of the five roles keep five rounds within CI's budget; the steps per node are those of every role. */
    static final String[][] NODES = {
            {"km1", "127.0.0.60", "key-manager"},
            {"tm1", "127.0.0.63", "traffic-manager"},
            {"gw1", "127.0.0.64", "gateway"},
    };

    Path dir;
    LocalCluster cluster;

    @BeforeAll
    void startTheHosts(@TempDir Path dir) throws Exception {
        this.dir = dir;
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/apim-standin"))).as("built distribution at " + Launched.DIST).isTrue();
        cluster = new LocalCluster(dir, "0s", NODES);
        Launched first = cluster.apply("heap-64.yaml", spec(64), "--yes");   // its events (as many as a restart of all three) set the kill range
        assertThat(first.process().exitValue()).as(first.output()).isZero();
    }

    @AfterAll
    void stopEverything() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String spec(int heapMb) {
        return cluster.spec(ROLLOUT, "").replace("default: 64m }", "default: " + heapMb + "m }");
    }

    @Test
    void aControllerKilledAtARandomStepLeavesEveryNodeOnOneRevisionAndTheRolloutResumesOrUndoes() throws Exception {
        System.out.println("controller crash: " + ROUNDS + " rounds, seed " + SEED + " (-Dfleet.crash.seed=" + SEED + " replays it)");
        Random random = new Random(SEED);
        int eventsPerRollout = (int) eventsOf(lastRollout(), 0).size();
        assertThat(eventsPerRollout).as("a rollout that starts three nodes journals its steps").isGreaterThan(12);

        for (int round = 1; round <= ROUNDS; round++) {
            // up to the last node's healthy step: the kill lands a few milliseconds after the event it follows
            int killAfter = 1 + random.nextInt(eventsPerRollout - 4);
            crashRound(round, killAfter, 72 + 8 * round);
        }
    }

    private void crashRound(int round, int killAfter, int heapMb) throws Exception {
        long began = System.nanoTime();
        awaitAllHealthy();
        Map<String, Long> before = appliedRevisions();
        long since = lastIndex();
        AtomicInteger seen = new AtomicInteger();
        AtomicReference<String> killedAt = new AtomicReference<>();
        Thread killer = new Thread(() -> {
            try {
                cluster.client().events(since, true, line -> {
                    JsonNode event = read(line);
                    if (event.path("fields").has("rollout") && seen.incrementAndGet() == killAfter) {
                        killedAt.set(describe(event));
                        try {
                            cluster.crashController();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IllegalStateException("killed");
                    }
                });
            } catch (RuntimeException streamEnded) {
                // the kill, or the controller going away under the stream: either way this follower is done
            }
        }, "crash-round-" + round);
        killer.setDaemon(true);
        killer.start();

        Launched apply = Launched.start(dir.resolve("logs/apply-crash-" + round + ".log"), "fleet", "apply", "--yes",
                "-f", cluster.writeSpec("heap-" + heapMb + ".yaml", spec(heapMb)).toString(),
                "--state", cluster.state.toString(), "--secrets", cluster.secretsFile().toString());
        killer.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(killedAt.get()).as("round %d: the controller was to be killed after event %d of the rollout; %d seen%s",
                round, killAfter, seen.get(), cluster.logs()).isNotNull();
        assertThat(apply.process().waitFor(60, TimeUnit.SECONDS)).as("fleet apply ends once its controller is gone").isTrue();

        awaitNoSwapInProgress();
        Map<String, List<String>> mixedWhileDown = mixedFiles();
        long killed = System.nanoTime();
        cluster.startControllerAfterCrash();
        long restarted = System.nanoTime();
        long interrupted = interruptedRollout(since);
        awaitNoSwapInProgress();
        Map<String, List<String>> mixedAfterRestart = mixedFiles();
        Map<String, Long> after = appliedRevisions();
        JsonNode record = lastRecord();
        System.out.println("controller crash round " + round + ": killed after event " + killAfter + " (" + killedAt.get()
                + "); revisions " + before + " -> " + after + "; record: " + record.path("state").asText() + ", "
                + record.path("reason").asText());

        assertThat(mixedWhileDown).as("files of two revisions on a node, controller dead").allSatisfy((node, paths) -> assertThat(paths).isEmpty());
        assertThat(mixedAfterRestart).as("files of two revisions on a node, controller restarted").allSatisfy((node, paths) -> assertThat(paths).isEmpty());
        after.forEach((node, revision) -> assertThat(revision).as(node + "'s applied revision").isIn(before.get(node), interrupted));
        assertThat(record.path("id").asLong()).isEqualTo(interrupted);
        if (record.path("state").asText().equals("succeeded")) {   // its last events were written before the kill landed
            System.out.println("controller crash round " + round + ": the rollout had finished when the kill landed; nothing to resume");
            assertThat(after).allSatisfy((node, revision) -> assertThat(revision).isIn(before.get(node), interrupted));
            return;
        }
        assertThat(record.path("state").asText()).isEqualTo("aborted");
        assertThat(record.path("reason").asText()).contains("the controller stopped while this rollout ran");

        if (round % 2 == 1) {
            Launched resume = finished(Launched.start(dir.resolve("logs/resume-crash-" + round + ".log"), "fleet", "rollout", "resume",
                    "--state", cluster.state.toString()));
            assertThat(resume.process().exitValue()).as(resume.output()).isZero();
            long resumed = lastRecord().path("id").asLong();
            assertThat(appliedRevisions()).as("after resume every node runs the resumed spec")
                    .allSatisfy((node, revision) -> assertThat(revision).isIn(interrupted, resumed));
        } else {
            Launched undo = finished(Launched.start(dir.resolve("logs/undo-crash-" + round + ".log"), "fleet", "rollout", "undo",
                    "--state", cluster.state.toString()));
            boolean nothingChanged = after.equals(before);
            if (nothingChanged && undo.process().exitValue() != 0) {
                assertThat(undo.output()).contains("nothing to undo");
            } else {
                assertThat(undo.process().exitValue()).as(undo.output()).isZero();
            }
            assertThat(appliedRevisions()).as("after undo every node is back on its revision before the interrupted rollout").isEqualTo(before);
        }
        awaitNoSwapInProgress();
        assertThat(mixedFiles()).allSatisfy((node, paths) -> assertThat(paths).isEmpty());
        System.out.printf("controller crash round %d: %.1f s to the kill, %.1f s restart until every agent reconnected, %.1f s %s%n", round,
                (killed - began) / 1e9, (restarted - killed) / 1e9, (System.nanoTime() - restarted) / 1e9, round % 2 == 1 ? "resume" : "undo");
    }

    private static Launched finished(Launched command) throws InterruptedException {
        assertThat(command.process().waitFor(150, TimeUnit.SECONDS)).as(command.output()).isTrue();
        return command;
    }

    /** The rollout the crashed controller was running: the newest started since {@code since}. */
    private long interruptedRollout(long since) {
        return journalAfter(since).stream()
                .filter(e -> e.path("type").asText().equals("rollout.started"))
                .mapToLong(e -> e.path("fields").path("rollout").asLong()).max()
                .orElseThrow(() -> new AssertionError("no rollout started before the kill"));
    }

    private long lastRollout() {
        return lastRecord().path("id").asLong();
    }

    private JsonNode lastRecord() {
        List<io.apimfleet.controller.rollout.RolloutRecord> history = cluster.client().rollouts();
        return Json.mapper().valueToTree(history.get(history.size() - 1));
    }

    private List<JsonNode> eventsOf(long rollout, long since) {
        return journalAfter(since).stream().filter(e -> e.path("fields").path("rollout").asLong(-1) == rollout).toList();
    }

    /** The journal file's entries after entry {@code since} (entry N is line N), read from the state directory. */
    private List<JsonNode> journalAfter(long since) {
        try {
            return Files.readAllLines(cluster.state.resolve(JOURNAL)).stream().skip(since).map(ControllerCrashTest::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long lastIndex() {
        try (var lines = Files.lines(cluster.state.resolve(JOURNAL))) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(JsonNode event) {
        JsonNode fields = event.path("fields");
        return event.path("type").asText() + (fields.has("node") ? " " + fields.path("node").asText() : "")
                + (fields.has("step") ? " " + fields.path("step").asText() : fields.has("phase") ? " " + fields.path("phase").asText() : "");
    }

    private void awaitAllHealthy() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> cluster.client().agents().stream()
                .filter(AgentView::connected).filter(a -> "healthy".equals(a.health())).count() == NODES.length);
    }

    /** Each agent finishes a request its controller no longer waits for: wait until no swap is half-done. */
    private void awaitNoSwapInProgress() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.hosts.keySet().stream().noneMatch(node -> Files.exists(bundles(node).intent())));
    }

    private StateDir bundles(String node) {
        return new StateDir(cluster.agentState(node).resolve("bundles"));
    }

    /** Each node's applied revision (0: none yet). */
    private Map<String, Long> appliedRevisions() {
        Map<String, Long> revisions = new LinkedHashMap<>();
        for (String node : cluster.hosts.keySet()) {
            List<AppliedRevision> history = bundles(node).readHistory();
            revisions.put(node, history.isEmpty() ? 0 : history.get(history.size() - 1).revision());
        }
        return revisions;
    }

    /**
     * Per node, the paths whose content is not what the newest applied revision that wrote them
     * left there: a node with files of two revisions has some.
     */
    private Map<String, List<String>> mixedFiles() throws IOException {
        Map<String, List<String>> mixed = new LinkedHashMap<>();
        for (String node : cluster.hosts.keySet()) {
            Map<String, FileRecord> newest = new LinkedHashMap<>();
            for (AppliedRevision revision : bundles(node).readHistory()) {
                revision.files().forEach(f -> newest.put(f.path(), f));
            }
            List<String> wrong = new ArrayList<>();
            Path home = cluster.home(node);
            for (FileRecord file : newest.values()) {
                Path real = home.resolve(file.path());
                boolean exists = Files.exists(real, LinkOption.NOFOLLOW_LINKS);
                boolean matches = file.hashAfter() == null ? !exists
                        : exists && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) && ContentHash.of(Files.readAllBytes(real)).equals(file.hashAfter());
                if (!matches) {
                    wrong.add(file.path());
                }
            }
            assertThat(newest).as(node + " has applied files: the check below checks something").isNotEmpty();
            mixed.put(node, wrong);
        }
        return mixed;
    }
}
