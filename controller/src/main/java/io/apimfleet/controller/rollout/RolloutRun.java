package io.apimfleet.controller.rollout;

import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Rollout;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.bundle.Probe;
import io.apimfleet.protocol.bundle.RollbackResult;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.TreeMap;

/**
 * One rollout, top to bottom: render every bundle (trust through the agents), then each phase in
 * order; within a phase every node is planned, applied when its files differ, started or
 * restarted, and waited for until its probes pass for {@code minHealthy}; the next phase begins
 * only when all of them did. A failed node is rolled back (with {@code autoRollback}) and the
 * rollout halts after its phase. An undo runs the same way, but each node it takes back is rolled
 * back on its host (byte for byte) instead of applied. A pause holds the rollout between two
 * batches until it is resumed or aborted. Always ends in succeeded, failed or aborted, each step
 * journaled. Confined to the controller's event loop.
 */
final class RolloutRun {
    private static final Logger LOG = Logger.getLogger(RolloutRun.class.getName());
    private static final int LOG_LINES = 20;
    /** Every node's bundle is rendered and its TLS certificate checked or issued. */
    static final String ROLLOUT_RENDERED = "rollout.rendered";
    static final String ROLLOUT_PAUSED = "rollout.paused";
    static final String ROLLOUT_RESUMED = "rollout.resumed";
    static final String BUNDLE_ROLLED_BACK = "bundle.rolled-back";

    /** What an undo takes back: the rollout, and the nodes it left on its revision. */
    record Undo(long rollout, Set<String> nodes) {
        Undo {
            nodes = Set.copyOf(nodes);
        }
    }

    /** What one node's step changed on its host: an apply's result, or an undo's rollback. */
    private record Change(long revision, int files, boolean restartNeeded, boolean runtimeChanged, boolean probesChanged,
                          boolean nothingLeft) {
        static Change of(ApplyResult r) {
            return new Change(r.revision(), r.files().size(), r.restartNeeded(), r.runtimeChanged(), r.probesChanged(), false);
        }

        /** A rollback to no revision at all leaves the home as it was before apim-fleet: nothing of ours to run. */
        static Change of(RollbackResult r) {
            return new Change(r.currentRevision(), r.restored().size(), true, r.runtimeChanged(), true, r.currentRevision() == 0);
        }

        /** Nothing to do on the host: it is at {@code revision} already (none: back to before apim-fleet). */
        static Change alreadyAt(long revision) {
            return new Change(revision, 0, false, false, false, revision == 0);
        }

        boolean differs() {
            return restartNeeded || probesChanged;
        }
    }

    private final Vertx vertx;
    private final StateWorker worker;
    private final Journal journal;
    private final LiveAgents live;
    private final AgentRequests requests;
    private final ClusterRender render;
    private final RolloutStore store;
    private final ClusterSpec spec;
    private final Rollout settings;
    private final Map<String, String> steps = new TreeMap<>();
    private final List<String> changed = new ArrayList<>();
    private final List<String> rolledBack = new ArrayList<>();
    private final Set<String> runtimeChanged = new HashSet<>();
    private final Set<String> reloadable = new HashSet<>();
    private final Set<String> drained = new HashSet<>();
    private Optional<LoadBalancerDrain> drain = Optional.empty();
    private final Undo undo;
    /** Nodes the rollout it resumes left in flight before their restart: (re)started even when nothing differs. */
    private final Set<String> restartAnyway;
    private RolloutRecord record;
    private boolean aborted;
    /** Why it was stopped from outside (this controller lost the leadership); null for an abort asked for. */
    private String stoppedBecause;
    private Promise<Void> resumed;
    /** Whether the load balancer was told to take every fronted node back in rotation (once, before the first drain). */
    private boolean restored;
    /** The load balancer's agent takes one request at a time: drains and put-backs of a batch go in turn. */
    private Future<Void> balancerTurn = Future.succeededFuture();
    private long startedNanos;

    RolloutRun(Vertx vertx, StateWorker worker, Journal journal, LiveAgents live, AgentRequests requests, ClusterRender render,
               RolloutStore store, ClusterSpec spec, RolloutRecord initial, Undo undo, Set<String> restartAnyway) {
        this.record = initial;
        this.undo = undo;
        this.restartAnyway = Set.copyOf(restartAnyway);
        this.vertx = vertx;
        this.worker = worker;
        this.journal = journal;
        this.live = live;
        this.requests = requests;
        this.render = render;
        this.store = store;
        this.spec = spec;
        this.settings = spec.rollout();
    }

    RolloutRecord record() {
        return snapshot(record.state(), record.reason(), record.finishedAt());
    }

    void abort() {
        aborted = true;
        resume();   // a paused rollout wakes up to end
    }

    /** Aborts, and the record's reason starts with {@code why}. */
    void abort(String why) {
        stoppedBecause = why;
        abort();
    }

    /** Holds the rollout before its next batch: nodes mid-flight finish their step first. */
    void pause() {
        if (resumed == null) {
            resumed = Promise.promise();
        }
    }

    boolean pausing() {
        return resumed != null;
    }

    void resume() {
        Promise<Void> waiting = resumed;
        resumed = null;
        if (waiting != null) {
            waiting.tryComplete();
        }
    }

    /** Runs the rollout; the future completes when it has reached its terminal state (never fails). */
    Future<Void> start() {
        RolloutRecord initial = record;
        startedNanos = System.nanoTime();
        List<Map<String, Object>> phases = initial.phases().stream()
                .map(p -> Map.<String, Object>of("phase", p.name(), "nodes", p.nodes())).toList();
        Map<String, Object> started = fields("revision", initial.id(), "cluster", spec.cluster(), "source", initial.source(),
                "spec", initial.specSha256(), "phases", phases);
        if (undo != null) {
            started.put("undoes", undo.rollout());
        }
        if (!restartAnyway.isEmpty()) {
            started.put("restartsInFlight", restartAnyway.stream().sorted().toList());
        }
        emit(FleetEvent.ROLLOUT_STARTED, started);
        return render.render(spec, initial.id())
                .compose(rendered -> {
                    drain = LoadBalancerDrain.of(vertx, requests, rendered);
                    emit(ROLLOUT_RENDERED, fields("nodes", List.copyOf(rendered.bundles().keySet()), "seconds", seconds(startedNanos)));
                    rendered.warnings().forEach(w -> emit("rollout.warning", fields("message", w)));
                    return phases(rendered, 0);
                })
                .transform(this::finish);
    }

    private Future<Void> phases(RenderedCluster rendered, int index) {
        List<Phase> phases = record.phases();
        if (index == phases.size()) {
            return Future.succeededFuture();
        }
        if (aborted) {
            return Future.failedFuture(new RolloutFailure("aborted before phase " + phases.get(index).name()));
        }
        Phase phase = phases.get(index);
        if (drain.isPresent() && !restored && phase.nodes().stream().anyMatch(drain.get()::fronts)) {
            restored = true;
            return drain.get().restoreAll().compose(v -> phases(rendered, index));
        }
        long phaseStarted = System.nanoTime();
        emit(FleetEvent.ROLLOUT_PHASE, fields("phase", phase.name(), "state", "started", "nodes", phase.nodes()));
        List<String> failures = new ArrayList<>();
        return batches(rendered, batches(phase), 0, failures).transform(ar -> {
            double seconds = seconds(phaseStarted);
            if (failures.isEmpty()) {
                emit(FleetEvent.ROLLOUT_PHASE, fields("phase", phase.name(), "state", "succeeded", "seconds", seconds));
                return phases(rendered, index + 1);
            }
            emit(FleetEvent.ROLLOUT_PHASE, fields("phase", phase.name(), "state", aborted ? "aborted" : "failed", "seconds", seconds));
            return Future.failedFuture(new RolloutFailure("phase " + phase.name() + ": " + String.join("; ", failures)));
        });
    }

    /**
     * The phase's nodes in groups that may be out of service together: all at once when none of
     * them runs yet (nothing serves), else {@code rollout.maxUnavailable} at a time, the nodes
     * that do not run yet first: a node just added serves before its running twin is taken out.
     */
    private List<List<String>> batches(Phase phase) {
        List<String> nodes = new ArrayList<>(phase.nodes());
        nodes.sort(java.util.Comparator.comparing((String n) -> ClusterPlan.running(live, n)));   // stable: spec order otherwise
        boolean serving = nodes.stream().anyMatch(n -> ClusterPlan.running(live, n));
        int size = serving ? Math.max(1, settings.maxUnavailable()) : nodes.size();
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i += size) {
            batches.add(nodes.subList(i, Math.min(nodes.size(), i + size)));
        }
        return batches;
    }

    /** Runs the batches one after the other, each batch's nodes together; stops after a batch with a failure. */
    private Future<Void> batches(RenderedCluster rendered, List<List<String>> batches, int index, List<String> failures) {
        if (index == batches.size() || !failures.isEmpty()) {
            return Future.succeededFuture();
        }
        return heldWhilePaused(batches.get(index)).compose(v -> {
            if (aborted) {
                failures.add("aborted before " + String.join(", ", batches.get(index)));
                return Future.succeededFuture();
            }
            List<Future<Void>> nodes = batches.get(index).stream().map(node -> node(rendered, node)).toList();
            return Future.join(nodes).transform(ar -> {
                nodes.stream().filter(Future::failed).forEach(f -> failures.add(f.cause().getMessage()));
                return batches(rendered, batches, index + 1, failures);
            });
        });
    }

    /** Completes at once, or, when a pause was asked for, once the rollout is resumed or aborted. */
    private Future<Void> heldWhilePaused(List<String> next) {
        Promise<Void> waiting = resumed;
        if (waiting == null || aborted) {
            return Future.succeededFuture();
        }
        record = snapshot(RolloutRecord.PAUSED, null, null);
        save(record);
        emit(ROLLOUT_PAUSED, fields("before", next));
        return waiting.future().onComplete(ar -> {
            if (!aborted) {
                record = snapshot(RolloutRecord.RUNNING, null, null);
                save(record);
                emit(ROLLOUT_RESUMED, fields("next", next));
            }
        });
    }

    /**
     * One node: apply (idempotent: nothing differs, nothing is written), (re)start if its files or
     * command changed or it is not running, wait for health; roll back on failure.
     */
    private Future<Void> node(RenderedCluster rendered, String node) {
        boolean wasRunning = ClusterPlan.running(live, node);
        if (undo != null && !undo.nodes().contains(node)) {
            step(node, "unchanged", Map.of());
            return Future.succeededFuture();
        }
        return change(rendered, node)
                .compose(result -> {
                    if (result.differs()) {
                        changed.add(node);
                        live.applied(node, result.revision());
                        emit(undo == null ? FleetEvent.BUNDLE_APPLIED : BUNDLE_ROLLED_BACK, fields("node", node, "revision", result.revision(),
                                "changed", result.files(), "runtimeChanged", result.runtimeChanged()));
                    }
                    if (result.probesChanged()) {
                        live.resetProbes(node);   // the agent probes anew; earlier verdicts no longer hold
                    }
                    if (result.runtimeChanged()) {
                        runtimeChanged.add(node);
                    }
                    if (result.nothingLeft()) {
                        return stopped(node, wasRunning);
                    }
                    String health = live.get(node).map(LiveAgents.Live::health).orElse("unknown");
                    boolean restart = restartAnyway.contains(node);   // its files may be new and its product not restarted on them
                    if (!result.differs() && wasRunning && "healthy".equals(health) && !restart) {
                        step(node, "unchanged", Map.of());
                        return Future.succeededFuture();
                    }
                    if (aborted && undo == null) {   // an undo finishes the node it rolled back: its files and product must agree
                        return abortedAfterApply(node, result.restartNeeded());
                    }
                    return startAndWait(rendered, node, wasRunning, result.restartNeeded() || restart)
                            .recover(failure -> failed(node, failure, undo == null && result.restartNeeded(), wasRunning));
                });
    }

    /** Applies the node's bundle; for an undo, rolls back the undone revision on its host instead. */
    private Future<Change> change(RenderedCluster rendered, String node) {
        if (undo == null) {
            return step(node, "applying", Map.of())
                    .compose(v -> Rollouts.bundleReply(node, "the apply", requests.request(node, Rollouts.request(AgentRequest.Kind.APPLY, rendered, node))))
                    .map(Change::of);
        }
        return step(node, "undoing", Map.of("revision", undo.rollout()))
                .compose(v -> Rollouts.reply(node, "its facts", requests.request(node, AgentRequest.of(AgentRequest.Kind.FACTS))))
                .compose(facts -> {
                    long applied = facts.facts() == null ? undo.rollout() : facts.facts().bundleRevision();
                    if (applied < undo.rollout()) {   // an earlier undo of the same rollout already took this node back
                        return Future.succeededFuture(Change.alreadyAt(applied));
                    }
                    return Rollouts.reply(node, "the rollback of revision " + undo.rollout(),
                            requests.request(node, AgentRequest.rollback(undo.rollout()))).map(reply -> Change.of(reply.rollback()));
                });
    }

    /** An undo took the node back to before its first revision: it did not run under apim-fleet then, so it stops. */
    private Future<Void> stopped(String node, boolean wasRunning) {
        Future<String> stop = wasRunning
                ? step(node, "stopping", Map.of()).compose(v -> Rollouts.hostReply(node, "stop", requests.request(node, AgentRequest.of(AgentRequest.Kind.STOP))))
                : Future.succeededFuture();
        return stop.map(output -> {
            step(node, "stopped", Map.of("reason", "back to its home as it was before apim-fleet"));
            return null;
        });
    }

    private Future<Void> startAndWait(RenderedCluster rendered, String node, boolean wasRunning, boolean filesChanged) {
        ProcessSpec process = rendered.bundles().get(node).process();
        if (process == null) {
            step(node, "applied", Map.of("product", "none to run"));   // e.g. a load balancer with nothing to front
            return Future.succeededFuture();
        }
        if (process.reload() != null) {
            reloadable.add(node);
        }
        Future<String> started;
        if (wasRunning && !filesChanged) {
            started = Future.succeededFuture("already running");
        } else if (wasRunning && process.reload() != null && !runtimeChanged.contains(node)) {
            started = step(node, "reloading", Map.of())   // new files, same command: taken without a stop
                    .compose(v -> Rollouts.hostReply(node, "reload", requests.request(node, AgentRequest.of(AgentRequest.Kind.RELOAD))));
        } else {
            AgentRequest.Kind kind = wasRunning ? AgentRequest.Kind.RESTART : AgentRequest.Kind.START;
            boolean drains = wasRunning && drain.isPresent() && drain.get().fronts(node);
            Future<Void> out = Future.succeededFuture();
            if (drains) {
                drained.add(node);
                out = step(node, "draining", Map.of()).compose(v -> inTurn(() -> drain.get().takeOut(node)));
            }
            started = out.compose(v -> {
                live.resetProbes(node);
                return step(node, wasRunning ? "restarting" : "starting", Map.of());
            }).compose(v -> Rollouts.hostReply(node, kind.name().toLowerCase(Locale.ROOT), requests.request(node, AgentRequest.of(kind))));
        }
        return started.compose(output -> {
            long from = System.nanoTime();   // the deadline counts from the (re)start, not from the drain before it
            List<String> probes = rendered.bundles().get(node).probes().stream().map(Probe::name).toList();
            step(node, "waiting", Map.of("probes", probes));
            return HealthGate.await(vertx, live, node, probes, from, settings.healthyDeadline(), settings.minHealthy());
        }).compose(after -> {
            step(node, "healthy", Map.of("seconds", Math.round(after.toMillis() / 100.0) / 10.0));
            return putBack(node);
        });
    }

    /**
     * A node taken out of the load balancer goes back in, and one it fronts that just started
     * joins it: either way the rollout waits until the load balancer has it in service, so the
     * next node of the role is not taken out before this one serves.
     */
    private Future<Void> putBack(String node) {
        boolean wasDrained = drained.remove(node);
        if (!wasDrained && (drain.isEmpty() || !drain.get().fronts(node))) {
            return Future.succeededFuture();
        }
        return step(node, wasDrained ? "re-enabling" : "joining", Map.of())
                .compose(v -> inTurn(() -> drain.orElseThrow().putBack(node, settings.healthyDeadline()))).map(v -> {
            step(node, "in-service", Map.of());
            return null;
        });
    }

    private Future<Void> inTurn(java.util.function.Supplier<Future<Void>> action) {
        Future<Void> mine = balancerTurn.transform(previous -> action.get());
        balancerTurn = mine.transform(done -> Future.succeededFuture());
        return mine;
    }

    /**
     * The rollout was aborted while this node was applied: it is not (re)started, and files it
     * changed are put back, so the running product and its files agree.
     */
    private Future<Void> abortedAfterApply(String node, boolean filesChanged) {
        Future<String> undone = filesChanged
                ? step(node, "rolling-back", Map.of()).compose(v -> Rollouts.hostReply(node, "the rollback", requests.request(node, AgentRequest.rollback(record.id()))))
                : Future.succeededFuture();
        return undone.transform(ar -> {
            String what = !filesChanged ? "not restarted" : ar.succeeded() ? "not restarted; its files were rolled back"
                    : "not restarted; rolling its files back failed: " + ar.cause().getMessage();
            step(node, "aborted", Map.of("reason", what));
            return Future.failedFuture(new RolloutFailure("node " + node + ": aborted, " + what));
        });
    }

    /** Reports the failure with its evidence, rolls the node back when allowed, and fails with the reason. */
    private Future<Void> failed(String node, Throwable failure, boolean filesChanged, boolean wasRunning) {
        String reason = failure.getMessage();
        Future<List<String>> evidence = failure instanceof HealthGate.NotHealthy nh && !nh.lastLines.isEmpty()
                ? Future.succeededFuture(nh.lastLines)
                : requests.request(node, new AgentRequest(AgentRequest.Kind.LOGS, null, false, LOG_LINES))
                .map(r -> r.ok() && r.output() != null ? Arrays.asList(r.output().split("\n")) : List.<String>of())
                .otherwise(List.of());
        return evidence.compose(lines -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("reason", reason);
            if (failure instanceof HealthGate.NotHealthy nh && nh.probe != null) {
                detail.put("probe", nh.probe);
            }
            detail.put("lastLines", lines);
            step(node, "failed", detail);
            if (!settings.autoRollback() || !filesChanged) {
                return Future.failedFuture(new RolloutFailure("node " + node + ": " + reason));
            }
            return rollback(node, wasRunning).transform(ar -> Future.failedFuture(new RolloutFailure("node " + node + ": " + reason
                    + (ar.succeeded() ? " (rolled back to its previous bundle)" : " (its rollback failed too: " + ar.cause().getMessage() + ")"))));
        });
    }

    private Future<Void> rollback(String node, boolean wasRunning) {
        AgentRequest.Kind after = !wasRunning ? AgentRequest.Kind.STOP
                : reloadable.contains(node) && !runtimeChanged.contains(node) ? AgentRequest.Kind.RELOAD : AgentRequest.Kind.RESTART;
        return step(node, "rolling-back", Map.of())
                .compose(v -> Rollouts.hostReply(node, "the rollback", requests.request(node, AgentRequest.rollback(record.id()))))
                .compose(done -> Rollouts.hostReply(node, after.name().toLowerCase(Locale.ROOT), requests.request(node, AgentRequest.of(after))))
                .compose(output -> {
                    rolledBack.add(node);
                    step(node, "rolled-back", Map.of("product", !wasRunning ? "stopped, as it was before"
                            : after == AgentRequest.Kind.RELOAD ? "reloaded with its previous files" : "restarted on its previous bundle"));
                    return putBack(node);   // re-enabled on its previous bundle
                });
    }

    private Future<Void> finish(AsyncResult<Void> outcome) {
        if (outcome.failed() && !(outcome.cause() instanceof RolloutFailure)) {
            LOG.log(Level.WARNING, "rollout " + record.id() + " ended on an unexpected error", outcome.cause());
        }
        String state = outcome.succeeded() ? RolloutRecord.SUCCEEDED : aborted ? RolloutRecord.ABORTED : RolloutRecord.FAILED;
        String reason = outcome.succeeded() ? (changed.isEmpty() ? "no changes: every node already matched this spec" : null)
                : outcome.cause().getMessage();
        if (stoppedBecause != null && outcome.failed()) {
            reason = stoppedBecause + (reason == null ? "" : " (" + reason + ")");
        }
        for (Phase phase : record.phases()) {
            phase.nodes().forEach(n -> steps.putIfAbsent(n, "not-reached"));
        }
        record = snapshot(state, reason, Instant.now());
        RolloutRecord last = record;
        Map<String, Object> fields = fields("state", state, "seconds", seconds(startedNanos), "changed", List.copyOf(changed),
                "rolledBack", List.copyOf(rolledBack));
        if (reason != null) {
            fields.put("reason", reason);
        }
        return worker.call(() -> {
            store.save(last);
            return null;
        }).transform(ar -> emit(FleetEvent.ROLLOUT_FINISHED, fields)).transform(ar -> Future.succeededFuture());
    }

    /**
     * Journals the node's step and saves the record; completes once both are on disk (synced), so
     * a step that acts is written before it acts and a controller killed at any point leaves a
     * record that names what was in flight. Fails when they cannot be written: nothing then acts.
     */
    private Future<Void> step(String node, String step, Map<String, Object> detail) {
        steps.put(node, step);
        Map<String, Object> fields = fields("node", node, "step", step);
        fields.putAll(detail);
        Future<Void> journaled = emit(FleetEvent.ROLLOUT_NODE, fields);
        record = snapshot(RolloutRecord.RUNNING, null, null);
        return Future.all(journaled, save(record)).mapEmpty();
    }

    private Future<Void> save(RolloutRecord now) {
        return worker.call(() -> {
            store.save(now);
            return null;
        });
    }

    private RolloutRecord snapshot(String state, String reason, Instant finishedAt) {
        return new RolloutRecord(record.id(), record.cluster(), record.source(), record.specSha256(), state, record.startedAt(),
                finishedAt, reason, record.phases(), steps, changed, rolledBack, record.undoes());
    }

    private Future<Void> emit(String type, Map<String, Object> fields) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("rollout", record.id());
        all.putAll(fields);
        return journal.record(type, all);
    }

    private static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static double seconds(long fromNanos) {
        return Math.round(Duration.ofNanos(System.nanoTime() - fromNanos).toMillis() / 100.0) / 10.0;
    }
}
