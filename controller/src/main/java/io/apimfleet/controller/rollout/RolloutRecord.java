package io.apimfleet.controller.rollout;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One rollout as {@code fleet rollout status|history} shows it and {@code rollouts/ID.json} keeps it.
 *
 * @param id         the rollout, which is also the spec revision it applies
 * @param state      running, paused, succeeded, failed or aborted
 * @param steps      each node's last step (applying, unchanged, starting, restarting,
 *                   waiting, healthy, failed, rolled-back, not-reached; docs/rollouts.md lists them all)
 * @param changed    the nodes whose files changed
 * @param rolledBack the nodes returned to their previous bundle
 * @param undoes     for {@code fleet rollout undo}: the rollout whose changes it takes back, else null
 */
public record RolloutRecord(long id, String cluster, String source, String specSha256, String state, Instant startedAt,
                            Instant finishedAt, String reason, List<Phase> phases, Map<String, String> steps,
                            List<String> changed, List<String> rolledBack, Long undoes) {
    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String ABORTED = "aborted";

    /**
     * The steps that act on a node (each journaled before it acts): a record whose controller
     * stopped with a node on one of them left that node in flight, its request perhaps done.
     */
    static final Set<String> ACTING = Set.of("applying", "undoing", "stopping", "reloading", "draining", "restarting", "starting",
            "waiting", "re-enabling", "joining", "rolling-back");

    /**
     * The acting steps after which a node's product may not run what its files hold: its (re)start
     * (or, after a rollback, its restart on the previous files) was not seen through.
     */
    static final Set<String> BEFORE_RESTART = Set.of("applying", "draining", "restarting", "starting", "reloading", "rolling-back");

    public RolloutRecord {
        phases = phases == null ? List.of() : List.copyOf(phases);
        steps = steps == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(steps));
        changed = changed == null ? List.of() : List.copyOf(changed);
        rolledBack = rolledBack == null ? List.of() : List.copyOf(rolledBack);
    }

    /** Not ended yet: running, or paused between two steps. */
    public boolean running() {
        return RUNNING.equals(state) || PAUSED.equals(state);
    }

    /** Ended by an abort, or by its controller stopping: {@code fleet rollout resume} applies its spec again. */
    public boolean aborted() {
        return ABORTED.equals(state);
    }

    /** The nodes whose last step acts on them, with that step ({@code km1 restarting}), in name order. */
    public List<String> inFlight() {
        return steps.entrySet().stream().filter(e -> ACTING.contains(e.getValue())).map(e -> e.getKey() + " " + e.getValue()).toList();
    }

    /**
     * The nodes it left in flight before their product was seen (re)started on their files
     * ({@link #BEFORE_RESTART}): a resume restarts each of them even when its files already match
     * (the apply may have been done, its restart not).
     */
    public List<String> leftBeforeRestart() {
        return steps.entrySet().stream().filter(e -> BEFORE_RESTART.contains(e.getValue())).map(Map.Entry::getKey).toList();
    }

    /**
     * The nodes it may have left on its revision: changed and not rolled back, and, once it has
     * ended, those it left in flight (their request may have been carried out after its
     * controller stopped; an undo asks each one's applied revision before it acts).
     */
    public List<String> leftChanged() {
        Set<String> nodes = new LinkedHashSet<>(changed);
        if (!running()) {
            steps.forEach((node, step) -> {
                if (ACTING.contains(step)) {
                    nodes.add(node);
                }
            });
        }
        nodes.removeAll(rolledBack);
        return List.copyOf(nodes);
    }

    RolloutRecord finished(String finalState, String why, Instant at) {
        return new RolloutRecord(id, cluster, source, specSha256, finalState, startedAt, at, why, phases, steps, changed, rolledBack, undoes);
    }
}
