package io.apimfleet.controller.daemon;

import io.apimfleet.controller.cluster.ControllerCluster;
import io.apimfleet.controller.cluster.SharedJournal;
import io.apimfleet.controller.cluster.SharedState;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.StateEntries;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Clustered: this controller's agents, join tokens (hashes), revocations, secrets (sealed) and
 * journal shared with the other controllers ({@link SharedState}, {@link SharedJournal}), and
 * theirs written to its state directory.
 *
 * <ul>
 *   <li>at the start, every entry of the state directory is offered to the cluster (joined with
 *       what is there: after a full restart of the cluster the maps start empty and fill from the
 *       members' directories), then every shared entry is written here;
 *   <li>then every {@value #TICK_MS} ms, when a file changed (through this daemon or another
 *       process: {@code fleet token create}, {@code fleet agents remove}), its changed entries are
 *       offered, and this controller's new journal entries added to the shared journal;
 *   <li>an entry another controller changed is written here as it arrives (map listeners);
 *       entries of the shared journal from other controllers are appended to the journal here,
 *       each with {@code journaledBy} (the controller that journaled it) and {@code journalEntry} (its index there).
 * </ul>
 * Join tokens are spent through {@link SharedState#claim} as well, so a token enrolls one agent
 * in the whole cluster. Hazelcast calls run on a thread of their own, files on the state worker.
 */
final class StateSharing {
    private static final Logger LOG = Logger.getLogger(StateSharing.class.getName());
    static final long TICK_MS = 500;
    private static final int JOURNAL_PAGE = 500;
    static final String CONTROLLER = "journaledBy";
    static final String ENTRY = "journalEntry";

    /** One kind of shared entry: how to tell it changed, list it, write others' and join two versions. */
    private record Kind(String name, Callable<Object> version, Callable<Map<String, String>> entries,
                        Function<Map<String, String>, Integer> merge, BinaryOperator<String> join) {
    }

    private final Vertx vertx;
    private final ControllerState state;
    private final StateWorker worker;
    private final Journal journal;
    private final String self;
    private final WorkerExecutor sharing;
    private final List<Kind> kinds;
    private final SharedState shared;
    private final SharedJournal sharedJournal;
    private final List<UUID> listeners = new ArrayList<>();

    // on the state worker: what was offered last, per kind
    private final Map<String, Object> versions = new HashMap<>();
    private final Map<String, Map<String, String>> offered = new HashMap<>();
    // on the sharing thread
    private long journalOffered;
    private long ringNext;
    private final Map<String, Long> seen = new HashMap<>();

    private long timer = -1;
    // on the daemon's context
    private boolean ticking;
    private String lastFailure;

    private StateSharing(Vertx vertx, ControllerState state, StateWorker worker, Journal journal, String self,
                         WorkerExecutor sharing, SharedState shared, SharedJournal sharedJournal) {
        this.vertx = vertx;
        this.state = state;
        this.worker = worker;
        this.journal = journal;
        this.self = self;
        this.sharing = sharing;
        this.shared = shared;
        this.sharedJournal = sharedJournal;
        StateEntries entries = state.entries();
        SecretStore secrets = new SecretStore(state);
        List<Kind> all = new ArrayList<>();
        for (StateEntries.Kind kind : StateEntries.Kind.values()) {
            all.add(new Kind(kind.name().toLowerCase(Locale.ROOT), () -> entries.version(kind), () -> entries.all(kind),
                    m -> entries.merge(kind, m), (a, b) -> StateEntries.join(kind, a, b)));
        }
        all.add(new Kind("secrets", secrets::version, secrets::sealedEntries, secrets::mergeSealed, SecretStore::joinSealed));
        this.kinds = List.copyOf(all);
    }

    /**
     * Starts sharing on {@code vertx} (the daemon's, on its context): completes once this
     * controller's entries are offered and the cluster's written here. {@code self} names this
     * controller in the journal entries it shares.
     */
    static Future<StateSharing> start(Vertx vertx, ControllerState state, StateWorker worker, Journal journal,
                                      ControllerCluster cluster, String self) {
        WorkerExecutor sharing = vertx.createSharedWorkerExecutor("apim-fleet-state-sharing-" + UUID.randomUUID(), 1);
        return sharing.executeBlocking(() -> new StateSharing(vertx, state, worker, journal, self, sharing,
                        SharedState.of(cluster), SharedJournal.of(cluster)))
                .compose(StateSharing::begin)
                .onFailure(f -> sharing.close());
    }

    private Future<StateSharing> begin() {
        state.claimTokensThrough(shared::claim);
        return sharing.executeBlocking(() -> {
                    for (Kind kind : kinds) {
                        listeners.add(shared.listen(kind.name(), (key, value) -> mergeHere(kind, Map.of(key, value))));
                    }
                    return null;
                })
                .compose(v -> worker.call(this::localChanges))
                .compose(changes -> sharing.executeBlocking(() -> {
                    offer(changes);
                    Map<Kind, Map<String, String>> all = new LinkedHashMap<>();
                    kinds.forEach(kind -> all.put(kind, shared.all(kind.name())));
                    return all;
                }))
                .compose(all -> worker.call(() -> {
                    all.forEach((kind, entries) -> write(kind, entries));
                    return null;
                }))
                .compose(v -> startJournal())
                .map(v -> {
                    timer = vertx.setPeriodic(TICK_MS, id -> tick());
                    return this;
                });
    }

    /** Where this controller's journal is shared from, and which entries of others it has (read from its journal). */
    private Future<Void> startJournal() {
        return worker.call(() -> {
            Map<String, Long> highest = new HashMap<>();
            for (Map<String, Object> event : state.journal()) {
                if (event.get("fields") instanceof Map<?, ?> fields && fields.get(CONTROLLER) instanceof String origin
                        && fields.get(ENTRY) instanceof Number index) {
                    highest.merge(origin, index.longValue(), Math::max);
                }
            }
            return highest;
        }).compose(highest -> sharing.executeBlocking(() -> {
            seen.putAll(highest);
            // what this controller journaled before sharing started stays here (after a full restart every journal has its own)
            journalOffered = journal.size();
            ringNext = sharedJournal.head();
            return null;
        }));
    }

    private void tick() {
        if (ticking) {
            return;
        }
        ticking = true;
        worker.call(this::localChanges)
                .compose(changes -> sharing.executeBlocking(() -> {
                    offer(changes);
                    return null;
                }))
                .compose(v -> shareJournal())
                .onComplete(r -> {
                    ticking = false;
                    reportOnce(r.failed() ? String.valueOf(r.cause().getMessage()) : null);
                });
    }

    /** Logs a failure to share once (not every tick while the cluster is unreachable), and when sharing works again. */
    private void reportOnce(String failure) {
        if (Objects.equals(failure, lastFailure)) {
            return;
        }
        if (failure == null) {
            LOG.info("sharing this controller's state with the cluster works again");
        } else {
            LOG.warning("sharing this controller's state with the cluster: " + failure);
        }
        lastFailure = failure;
    }

    /** Adds this controller's new journal entries to the shared journal, then appends the others' here. */
    private Future<Void> shareJournal() {
        long since = journalOffered;
        Future<Void> own = journal.size() <= since ? Future.succeededFuture()
                : journal.read(since, JOURNAL_PAGE).compose(page -> sharing.executeBlocking(() -> {
                    for (FleetEvent event : page.events()) {
                        if (!event.fields().containsKey(CONTROLLER)) {   // an entry of another controller is not shared again
                            Map<String, Object> fields = new LinkedHashMap<>(event.fields());
                            fields.put(CONTROLLER, self);
                            fields.put(ENTRY, event.index());
                            sharedJournal.add(Json.mapper().writeValueAsString(new FleetEvent(event.index(), event.time(), event.type(), event.node(), fields)));
                        }
                    }
                    journalOffered = page.through();
                    return null;
                }));
        return own.compose(v -> sharing.executeBlocking(() -> {
            SharedJournal.Read read = sharedJournal.read(ringNext, JOURNAL_PAGE);
            List<FleetEvent> others = new ArrayList<>();
            for (String text : read.entries()) {
                FleetEvent event = parse(text);
                if (event != null && event.fields().get(CONTROLLER) instanceof String origin && !origin.equals(self)
                        && event.fields().get(ENTRY) instanceof Number index && index.longValue() > seen.getOrDefault(origin, 0L)) {
                    seen.put(origin, index.longValue());
                    others.add(event);
                }
            }
            ringNext = read.next();
            return others;
        })).compose(journal::recordAll);
    }

    private static FleetEvent parse(String text) {
        try {
            return Json.mapper().readValue(text, FleetEvent.class);
        } catch (IOException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ entries

    /** On the state worker: the entries changed since they were last offered, per kind. */
    private Map<Kind, Map<String, String>> localChanges() throws Exception {
        Map<Kind, Map<String, String>> changes = new LinkedHashMap<>();
        for (Kind kind : kinds) {
            Object version = kind.version().call();
            if (Objects.equals(version, versions.get(kind.name()))) {
                continue;
            }
            Map<String, String> now = kind.entries().call();
            Map<String, String> before = offered.getOrDefault(kind.name(), Map.of());
            Map<String, String> changed = new LinkedHashMap<>();
            now.forEach((key, value) -> {
                if (!value.equals(before.get(key))) {
                    changed.put(key, value);
                }
            });
            versions.put(kind.name(), version);
            offered.put(kind.name(), now);
            if (!changed.isEmpty()) {
                changes.put(kind, changed);
            }
        }
        return changes;
    }

    /** On the sharing thread: joins each changed entry into the cluster's. */
    private void offer(Map<Kind, Map<String, String>> changes) {
        changes.forEach((kind, entries) -> entries.forEach((key, value) -> shared.merge(kind.name(), key, value, kind.join())));
    }

    /** From a Hazelcast event thread: writes an entry another controller changed. */
    private void mergeHere(Kind kind, Map<String, String> entries) {
        worker.call(() -> write(kind, entries))
                .onFailure(f -> LOG.warning("cannot write the " + kind.name() + " another controller shared: " + f.getMessage()));
    }

    /** On the state worker. */
    private int write(Kind kind, Map<String, String> entries) {
        return kind.merge().apply(entries);
    }

    /** Stops sharing (the listeners go with the cluster). */
    Future<Void> close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return sharing.close();
    }
}
