package io.apimfleet.controller.rollout;

import io.apimfleet.controller.cluster.SharedRollouts;
import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.controller.spec.CheckedSpec;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Problem;
import io.apimfleet.controller.spec.Specs;
import io.apimfleet.protocol.ContentHash;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The one entry point for rollouts: {@link #plan} (dry runs on every node), {@link #start} (an
 * apply, run in the background, one at a time), {@link #pause}, {@link #resume}, {@link #abort},
 * {@link #undo}, and what the API shows of them. Lives on the controller's event loop; state
 * files go through the worker.
 */
public final class Rollouts {
    private static final Logger LOG = Logger.getLogger(Rollouts.class.getName());
    /** A new leader takes over the rollout its predecessor left running ({@link #takeOver}). */
    public static final String ROLLOUT_TAKEOVER = "rollout.takeover";
    /** The rollout taken over could not be resumed (the reason says why): fleet rollout resume or undo. */
    public static final String ROLLOUT_TAKEOVER_FAILED = "rollout.takeover-failed";

    /** A started rollout: its record, and the journal index after which its events appear. */
    public record Started(RolloutRecord rollout, long since) {
    }

    private final Vertx vertx;
    private final StateWorker worker;
    private final Journal journal;
    private final LiveAgents live;
    private final AgentRequests requests;
    private final SecretStore secrets;
    private final RolloutStore store;
    private final ClusterRender render;
    private RolloutRun running;
    private boolean starting;
    private ClusterSpec lastSpec;
    /** Clustered ({@link #share}): the shared rollouts, and this controller's epoch while it leads (0 while it follows). */
    private volatile SharedRollouts shared;
    private volatile LongSupplier actingEpoch = () -> 0;
    /** The newest shared write this controller has written or shared (guarded by this). */
    private long index;
    /** Clustered: the thread that shares this controller's writes, in their order. */
    private volatile WorkerExecutor sharing;
    /** Completes when the latest run has ended. */
    private Future<Void> runEnded = Future.succeededFuture();

    public Rollouts(Vertx vertx, ControllerState state, StateWorker worker, Journal journal, LiveAgents live,
                    AgentRequests requests, SecretStore secrets) {
        this.vertx = vertx;
        this.worker = worker;
        this.journal = journal;
        this.live = live;
        this.requests = requests;
        this.secrets = secrets;
        this.store = new RolloutStore(state);
        this.render = new ClusterRender(state, worker, requests, secrets);
    }

    /**
     * Ends every rollout a previous controller left running (it cannot know what its agents did
     * since: the record says so), and remembers the newest spec for node roles.
     */
    public Future<Void> recover() {
        return recover(false);
    }

    /**
     * As {@link #recover()}; {@code clustered}, rollouts left running are left as they are: the
     * leader may still run them, and a new leader takes the newest over ({@link #takeOver}).
     */
    public Future<Void> recover(boolean clustered) {
        List<RolloutRecord> ended = new ArrayList<>();
        return worker.call(() -> {
            List<RolloutRecord> all = store.all();
            for (RolloutRecord record : all) {
                if (record.running() && !clustered) {
                    RolloutRecord aborted = ended(record, "the controller stopped while this rollout ran");
                    store.save(aborted);
                    ended.add(aborted);
                    LOG.warning("rollout " + record.id() + " was running when the controller stopped: marked aborted");
                }
            }
            return newestSpec(all);
        }).compose(spec -> {
            lastSpec = spec;
            return journalEnded(ended);
        });
    }

    /** {@code record} ended aborted with {@code why}, naming the nodes it left in flight. */
    private static RolloutRecord ended(RolloutRecord record, String why) {
        List<String> inFlight = record.inFlight();
        return record.finished(RolloutRecord.ABORTED, why + (inFlight.isEmpty() ? "" : " (in flight: " + String.join(", ", inFlight)
                + "; each is on its old or its new revision: fleet rollout resume or fleet rollout undo)"), Instant.now());
    }

    private Future<Void> journalEnded(List<RolloutRecord> ended) {
        Future<Void> journaled = Future.succeededFuture();
        for (RolloutRecord aborted : ended) {
            journaled = journaled.compose(v -> journal.record(FleetEvent.ROLLOUT_FINISHED, Map.of("rollout", aborted.id(),
                    "state", aborted.state(), "reason", aborted.reason())));
        }
        return journaled;
    }

    /** The newest valid spec among {@code all}'s (blocking). */
    private ClusterSpec newestSpec(List<RolloutRecord> all) {
        for (int i = all.size() - 1; i >= 0; i--) {
            Optional<String> yaml = store.spec(all.get(i).id());
            if (yaml.isPresent()) {
                CheckedSpec checked = Specs.check(all.get(i).source(), yaml.get());
                if (checked.isValid()) {
                    return checked.validSpec();
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ clustered: sharing and taking over

    /**
     * Clustered: from now on, every spec and record this controller writes while it leads
     * ({@code epoch} above 0) is shared with the other controllers after it is on disk, and every
     * record the leader shares is written here while this controller follows, through the same
     * store. First writes every record shared so far (a controller that joins late catches up).
     * Call once, before competing for leadership.
     *
     * <p>Sharing runs on a thread of its own, in the order of the writes, so the state worker
     * never waits on the controller network (a write to Hazelcast of a partitioned member can
     * take its invocation timeout); the epoch is read when the write is shared, so nothing is
     * shared once the leadership is lost.
     */
    public Future<Void> share(SharedRollouts shared, LongSupplier epoch) {
        this.shared = shared;
        this.actingEpoch = epoch;
        WorkerExecutor sharing = vertx.createSharedWorkerExecutor("apim-fleet-sharing-" + java.util.UUID.randomUUID(), 1);
        this.sharing = sharing;
        store.publishTo(new RolloutStore.Publisher() {
            @Override
            public void spec(long id, String yaml) {
                sharing.executeBlocking(() -> {
                    if (epoch.getAsLong() > 0) {
                        shared.putSpec(id, yaml);
                    }
                    return null;
                }).onFailure(e -> LOG.warning("the spec of rollout " + id + " is on disk but not shared with the other controllers: " + e.getMessage()));
            }

            @Override
            public void record(long id, String json) {
                sharing.executeBlocking(() -> {
                    long term = epoch.getAsLong();
                    if (term > 0) {   // a deposed leader shares nothing more: its successor's records are the cluster's
                        long next = position() + 1;
                        if (shared.putRecord(id, term, next, json)) {
                            advance(next);
                        } else {
                            LOG.warning("rollout " + id + " was not shared: a leader with an epoch above " + term + " wrote it since");
                        }
                    }
                    return null;
                }).onFailure(e -> LOG.warning("rollout " + id + " is on disk but not shared with the other controllers: " + e.getMessage()));
            }
        });
        return worker.call(() -> {
            shared.listen(id -> worker.call(() -> {
                follow(id);
                return null;
            }).onFailure(f -> LOG.warning("cannot write rollout " + id + " as the leader shared it: " + f.getMessage())));
            int written = catchUp().size();
            if (written > 0) {
                LOG.info("wrote the " + written + " rollouts the other controllers shared");
            }
            putPosition();
            return newestSpec(store.all());
        }).map(spec -> {
            if (spec != null) {
                lastSpec = spec;
            }
            return null;
        });
    }

    /** Tests: completes once every write made so far has been shared (or left unshared). */
    Future<Void> sharedSoFar() {
        return sharing.executeBlocking(() -> null);
    }

    /** While following: writes rollout {@code id} as the leader shared it (blocking). */
    private void follow(long id) {
        if (actingEpoch.getAsLong() > 0) {
            return;   // leading: this controller's own records are the newest
        }
        shared.record(id).ifPresent(record -> {
            store.saveShared(id, shared.spec(id).orElse(null), record.json());
            advance(record.index());
        });
    }

    /** This controller has written every shared record up to {@code written}: the others see its position (blocking). */
    private synchronized void advance(long written) {
        if (written > index) {
            index = written;
            putPosition();
        }
    }

    private synchronized long position() {
        return index;
    }

    private synchronized void putPosition() {
        try {
            shared.putPosition(index);
        } catch (RuntimeException e) {
            LOG.fine("cannot share this controller's position in the shared rollouts: " + e.getMessage());
        }
    }

    /**
     * Writes every shared record (and the specs not stored yet); returns each one's epoch by id
     * (blocking). A shared record that is not a rollout's is logged and left out.
     */
    private Map<Long, Long> catchUp() {
        Map<Long, Long> epochs = new java.util.TreeMap<>();
        shared.records().forEach((id, record) -> {
            try {
                store.saveShared(id, shared.spec(id).orElse(null), record.json());
                epochs.put(id, record.epoch());
                advance(record.index());
            } catch (IllegalArgumentException e) {
                LOG.warning(e.getMessage() + ": left out");
            }
        });
        return epochs;
    }

    private record Found(List<RolloutRecord> ended, RolloutRecord takenOver, Long fromEpoch, List<String> inFlight, ClusterSpec spec) {
    }

    /**
     * This controller was just elected at {@code epoch}: rollouts a previous leader left running
     * or paused end aborted (the journal says so), and the newest one, if it was running (not
     * paused, not aborted), is taken over: a {@code rollout.takeover} entry (the rollout, the
     * epochs from and to, the nodes it left in flight), then {@link #resume} (or {@link #undo} for
     * an undo), which applies its spec again: nodes already on it are checked and skipped, the one
     * in flight is checked by its applied revision and probes and finished. Completes with the
     * rollout that took it over, or empty.
     */
    public Future<Optional<Started>> takeOver(long epoch) {
        if (shared == null) {
            return Future.failedFuture(new IllegalStateException("not clustered: nothing to take over"));
        }
        if (starting) {
            LOG.warning("elected at epoch " + epoch + " while a rollout starts here: nothing taken over");
            return Future.succeededFuture(Optional.empty());
        }
        // re-elected while this controller's own run, stopped by the lost leadership, still ends: once it has
        return runEnded.transform(ended -> takeOverNow(epoch));
    }

    private Future<Optional<Started>> takeOverNow(long epoch) {
        if (running != null || starting) {
            LOG.warning("elected at epoch " + epoch + " while a rollout runs here: nothing taken over");
            return Future.succeededFuture(Optional.empty());
        }
        return worker.call(() -> {
            Map<Long, Long> epochs = catchUp();
            List<RolloutRecord> all = store.all();
            RolloutRecord newest = all.isEmpty() ? null : all.get(all.size() - 1);
            List<RolloutRecord> ended = new ArrayList<>();
            RolloutRecord takenOver = null;
            for (RolloutRecord record : all) {
                if (!record.running()) {
                    continue;
                }
                Long from = epochs.get(record.id());
                String leader = "its leader" + (from == null ? "" : " (epoch " + from + ")");
                RolloutRecord aborted;
                if (record == newest && RolloutRecord.RUNNING.equals(record.state())) {
                    aborted = record.finished(RolloutRecord.ABORTED, leader + " was lost while it ran; the controller elected at epoch "
                            + epoch + " takes it over" + (record.inFlight().isEmpty() ? "" : " (in flight: " + String.join(", ", record.inFlight()) + ")"),
                            Instant.now());
                    takenOver = aborted;
                } else {
                    aborted = ended(record, leader + " was lost while it was " + record.state() + "; not taken over");
                }
                store.save(aborted);
                ended.add(aborted);
            }
            RolloutRecord over = takenOver;
            return new Found(ended, over, over == null ? null : epochs.get(over.id()),
                    over == null ? List.of() : all.get(all.size() - 1).inFlight(), newestSpec(all));
        }).compose(found -> {
            if (found.spec() != null) {
                lastSpec = found.spec();
            }
            Future<Void> journaled = journalEnded(found.ended());
            if (found.takenOver() == null) {
                return journaled.map(v -> Optional.<Started>empty());
            }
            RolloutRecord over = found.takenOver();
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            fields.put("rollout", over.id());
            if (found.fromEpoch() != null) {
                fields.put("fromEpoch", found.fromEpoch());
            }
            fields.put("epoch", epoch);
            fields.put("inFlight", found.inFlight());
            fields.put("by", over.undoes() == null ? "resume" : "undo");
            LOG.info("elected at epoch " + epoch + ": taking rollout " + over.id() + " over");
            return journaled.compose(v -> journal.record(ROLLOUT_TAKEOVER, fields))
                    .compose(v -> over.undoes() == null ? resume() : undo())
                    .map(Optional::of)
                    .recover(failure -> journal.record(ROLLOUT_TAKEOVER_FAILED, Map.of("rollout", over.id(), "epoch", epoch,
                            "reason", String.valueOf(failure.getMessage()))).transform(ar -> Future.failedFuture(failure)));
        });
    }

    /** The role of {@code node} in the newest spec this controller applied. */
    public Optional<String> roleOf(String node) {
        ClusterSpec spec = lastSpec;
        return spec == null ? Optional.empty() : spec.node(node).map(n -> n.role().yamlName());
    }

    /** Renders every node's bundle and asks each agent for a dry run: changes no home. */
    public Future<ClusterPlan> plan(String source, String yaml) {
        return validate(source, yaml).compose(spec -> worker.call(store::nextId)
                .compose(revision -> render.render(spec, revision))
                .compose(rendered -> ClusterPlan.ask(rendered, live, requests)));
    }

    /**
     * Validates, stores the given secrets, records the spec revision, and starts rolling it out.
     * Refused while another rollout runs.
     */
    public Future<Started> start(String source, String yaml, Map<String, String> newSecrets) {
        return start(source, yaml, newSecrets, true);
    }

    /**
     * As above; unless {@code outageAccepted}, refused (nothing changed) when a role with one
     * running node would restart: it is unavailable meanwhile ({@link OutageNotAccepted}).
     */
    public Future<Started> start(String source, String yaml, Map<String, String> newSecrets, boolean outageAccepted) {
        return start(source, yaml, newSecrets, outageAccepted, Set.of());
    }

    /** As above; the nodes of {@code restartAnyway} are (re)started even when their files already match. */
    private Future<Started> start(String source, String yaml, Map<String, String> newSecrets, boolean outageAccepted, Set<String> restartAnyway) {
        if (running != null || starting) {
            return Future.failedFuture(busy());
        }
        starting = true;
        return validate(source, yaml)
                .compose(spec -> outageAccepted ? Future.succeededFuture(spec) : refusedOnOutage(spec))
                .compose(spec -> worker.call(() -> {
                    secrets.putAll(newSecrets, Instant.now());
                    long id = store.nextId();
                    store.saveSpec(id, yaml);
                    RolloutRecord record = new RolloutRecord(id, spec.cluster(), source, ContentHash.of(yaml.getBytes(StandardCharsets.UTF_8)),
                            RolloutRecord.RUNNING, Instant.now(), null, null, Phase.of(spec), Map.of(), List.of(), List.of(), null);
                    store.save(record);
                    return record;
                }).map(record -> {
                    lastSpec = spec;
                    return run(spec, record, null, restartAnyway);
                }))
                .andThen(ar -> starting = false);
    }

    private Started run(ClusterSpec spec, RolloutRecord record, RolloutRun.Undo undo, Set<String> restartAnyway) {
        long since = journal.size();
        RolloutRun run = new RolloutRun(vertx, worker, journal, live, requests, render, store, spec, record, undo, restartAnyway);
        running = run;
        runEnded = run.start().onComplete(ar -> {
            if (running == run) {
                running = null;
            }
            if (shared != null) {
                // a run a lost leadership stopped wrote its end here only: the shared record, the new leader's, is the one to keep
                worker.call(() -> {
                    follow(record.id());
                    return null;
                });
            }
        });
        return new Started(record, since);
    }

    /**
     * Only when a role with one node runs it is a dry run needed to know whether it would restart
     * (a fresh cluster skips it): then the plan's outage warnings refuse the rollout.
     */
    private Future<ClusterSpec> refusedOnOutage(ClusterSpec spec) {
        boolean singleRunning = Phase.of(spec).stream()
                .anyMatch(p -> p.nodes().size() == 1 && ClusterPlan.running(live, p.nodes().get(0)));
        if (!singleRunning) {
            return Future.succeededFuture(spec);
        }
        return worker.call(store::nextId)
                .compose(revision -> render.render(spec, revision))
                .compose(rendered -> ClusterPlan.ask(rendered, live, requests))
                .compose(plan -> plan.outages().isEmpty() ? Future.succeededFuture(spec)
                        : Future.failedFuture(new OutageNotAccepted(plan.outages())));
    }

    private RolloutBusy busy() {
        RolloutRun run = running;
        return run == null ? new RolloutBusy("another fleet apply is starting") : new RolloutBusy(run.record().id());
    }

    /** Whether a rollout runs (or is starting): requests to agents outside it are refused meanwhile. */
    public boolean busyWithAgents() {
        return running != null || starting;
    }

    /** Holds the running rollout before its next batch of nodes; the record says paused once it holds. */
    public Optional<RolloutRecord> pause() {
        RolloutRun run = running;
        if (run == null) {
            return Optional.empty();
        }
        run.pause();
        return Optional.of(run.record());
    }

    /**
     * Resumes a paused rollout; with none, starts the newest rollout's spec again when it was
     * aborted (or its controller stopped while it ran): nodes it already did are unchanged and
     * skipped, so it takes up where it ended.
     */
    public Future<Started> resume() {
        RolloutRun run = running;
        if (run != null) {
            if (!run.pausing()) {
                return Future.failedFuture(new RolloutRefused("rollout " + run.record().id() + " is running, not paused"));
            }
            long since = journal.size();
            run.resume();
            return Future.succeededFuture(new Started(run.record(), since));
        }
        return worker.call(() -> {
            List<RolloutRecord> all = store.all();
            if (all.isEmpty()) {
                throw new RolloutRefused("no rollout to resume: none was started");
            }
            RolloutRecord last = all.get(all.size() - 1);
            if (!last.aborted() || last.undoes() != null) {
                throw new RolloutRefused("rollout " + last.id() + " " + last.state() + (last.undoes() != null ? " (an undo; run fleet rollout undo again)" : "")
                        + "; only a paused or aborted rollout resumes" + (RolloutRecord.FAILED.equals(last.state())
                        ? ": fix the spec and fleet apply it, or fleet rollout undo" : ""));
            }
            return new Resumable(last, store.spec(last.id()).orElseThrow(() -> new RolloutRefused("rollout " + last.id() + " has no stored spec")));
            // a node left in flight before its restart was seen through is restarted even when its files already match
        }).compose(r -> start(resumedSource(r.record()), r.yaml(), Map.of(), true, Set.copyOf(r.record().leftBeforeRestart())));
    }

    private record Resumable(RolloutRecord record, String yaml) {
    }

    private static final String RESUMES = " (resumes rollout ";

    /** The resumed rollout's source, saying which one it resumes: {@code cluster.yaml (resumes rollout 7)}. */
    static String resumedSource(RolloutRecord aborted) {
        int at = aborted.source().indexOf(RESUMES);
        return (at < 0 ? aborted.source() : aborted.source().substring(0, at)) + RESUMES + aborted.id() + ")";
    }

    /**
     * Takes the newest rollout back: every node it left on its revision is rolled back on its
     * host (byte for byte) and restarted, phase by phase, drained and health-gated like an apply.
     * The spec before it becomes the current one again.
     */
    public Future<Started> undo() {
        if (running != null || starting) {
            return Future.failedFuture(busy());
        }
        starting = true;
        return worker.call(this::undoTarget).compose(target -> {
            ClusterSpec spec = target.previousYaml() == null ? target.undoneSpec() : Specs.check("rollout " + target.previousId(),
                    target.previousYaml()).validSpec();
            return worker.call(() -> {
                long id = store.nextId();
                String yaml = target.previousYaml() == null ? "" : target.previousYaml();
                if (target.previousYaml() != null) {
                    store.saveSpec(id, yaml);
                }
                RolloutRecord undone = target.undone();
                List<Phase> phases = undone.phases().stream()
                        .map(p -> new Phase(p.name(), p.nodes().stream().filter(undone.leftChanged()::contains).toList()))
                        .filter(p -> !p.nodes().isEmpty()).toList();
                RolloutRecord record = new RolloutRecord(id, undone.cluster(), "undo of rollout " + undone.id(),
                        ContentHash.of(yaml.getBytes(StandardCharsets.UTF_8)), RolloutRecord.RUNNING, Instant.now(), null, null, phases,
                        Map.of(), List.of(), List.of(), undone.id());
                store.save(record);
                return record;
            }).map(record -> {
                lastSpec = target.previousYaml() == null ? null : spec;
                return run(spec, record, new RolloutRun.Undo(target.undone().id(), Set.copyOf(target.undone().leftChanged())), Set.of());
            });
        }).andThen(ar -> starting = false);
    }

    private record UndoTarget(RolloutRecord undone, ClusterSpec undoneSpec, Long previousId, String previousYaml) {
    }

    /** The newest rollout that is not an undo (an undo of it that ended early is taken up again), and the spec before it. */
    private UndoTarget undoTarget() {
        List<RolloutRecord> all = store.all();
        RolloutRecord newest = all.isEmpty() ? null : all.get(all.size() - 1);
        if (newest == null) {
            throw new RolloutRefused("nothing to undo: no rollout was started");
        }
        if (newest.undoes() != null && RolloutRecord.SUCCEEDED.equals(newest.state())) {
            throw new RolloutRefused("rollout " + newest.id() + " already undid rollout " + newest.undoes() + "; to go forward again, fleet apply its spec");
        }
        long undoneId = newest.undoes() != null ? newest.undoes() : newest.id();
        RolloutRecord undone = all.stream().filter(r -> r.id() == undoneId).findFirst()
                .orElseThrow(() -> new RolloutRefused("rollout " + undoneId + " has no record left"));
        if (undone.leftChanged().isEmpty()) {
            throw new RolloutRefused("nothing to undo: rollout " + undone.id() + " left no node changed");
        }
        String undoneYaml = store.spec(undone.id()).orElseThrow(() -> new RolloutRefused("rollout " + undone.id() + " has no stored spec"));
        ClusterSpec undoneSpec = Specs.check(undone.source(), undoneYaml).validSpec();
        for (int i = all.indexOf(undone) - 1; i >= 0; i--) {
            RolloutRecord before = all.get(i);
            Optional<String> yaml = before.undoes() == null ? store.spec(before.id()) : Optional.empty();
            if (yaml.isPresent() && Specs.check(before.source(), yaml.get()).isValid()) {
                return new UndoTarget(undone, undoneSpec, before.id(), yaml.get());
            }
        }
        return new UndoTarget(undone, undoneSpec, null, null);
    }

    /** Stops the running rollout at its next step: nodes mid-flight finish the step they are in. */
    public Optional<RolloutRecord> abort() {
        RolloutRun run = running;
        if (run == null) {
            return Optional.empty();
        }
        run.abort();
        return Optional.of(run.record());
    }

    /**
     * This controller stopped leading: the running rollout acts no more (requests to agents are
     * refused from now on, see {@code AgentRequests}) and stops at its next step, aborted with
     * {@code why} as its reason. That record stays here: a deposed controller shares nothing more,
     * and the new leader takes the rollout over from the record last shared ({@link #takeOver}).
     */
    public Optional<RolloutRecord> leadershipLost(String why) {
        RolloutRun run = running;
        if (run == null) {
            return Optional.empty();
        }
        run.abort(why);
        return Optional.of(run.record());
    }

    /** Tests: the store and its worker, to write records as a leader's steps do. */
    RolloutStore store() {
        return store;
    }

    StateWorker worker() {
        return worker;
    }

    public Optional<RolloutRecord> current() {
        RolloutRun run = running;
        return run == null ? Optional.empty() : Optional.of(run.record());
    }

    public Future<List<RolloutRecord>> history() {
        return worker.call(store::all);
    }

    private Future<ClusterSpec> validate(String source, String yaml) {
        return worker.call(() -> {
            CheckedSpec checked = Specs.check(source, yaml);
            if (!checked.isValid()) {
                List<String> problems = new ArrayList<>();
                checked.problems().stream().sorted(Problem.BY_POSITION).forEach(p -> problems.add(p.toString()));
                throw new SpecRejected(source, problems);
            }
            return checked.validSpec();
        });
    }

    /** The request for one node's bundle, with the secrets its references need. */
    static AgentRequest request(AgentRequest.Kind kind, RenderedCluster cluster, String node) {
        return AgentRequest.withSecrets(kind, cluster.bundles().get(node), cluster.secrets().get(node));
    }

    static Future<ApplyResult> bundleReply(String node, String what, Future<AgentReply> reply) {
        return reply(node, what, reply).compose(r -> r.result() != null ? Future.succeededFuture(r.result())
                : Future.failedFuture(new RolloutFailure("node " + node + ": " + what + " returned no result")));
    }

    static Future<String> hostReply(String node, String what, Future<AgentReply> reply) {
        return reply(node, what, reply).map(AgentReply::output);
    }

    /** The agent's reply when it did what was asked; else a failure naming the node and what. */
    static Future<AgentReply> reply(String node, String what, Future<AgentReply> reply) {
        return reply.recover(f -> Future.failedFuture(new RolloutFailure("node " + node + ": " + what + " failed: " + f.getMessage())))
                .compose(r -> r.ok() ? Future.succeededFuture(r)
                        : Future.failedFuture(new RolloutFailure("node " + node + ": " + what + " refused: " + r.error())));
    }
}
