package io.apimfleet.controller.registry;

import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.spec.Durations;
import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.FleetEvent;
import io.apimfleet.protocol.link.Heartbeat;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Which agents are connected, from their heartbeats alone (the bridge raises no connect or
 * disconnect events). In memory only: after a controller restart the table fills again from the
 * next heartbeats. The first heartbeat after an absence journals {@code agent.connected}; no
 * heartbeat for the timeout journals {@code agent.lost}. The node always comes from the header the
 * bridge stamped from the client certificate, never from a message body.
 *
 * <p>Clustered, the other controllers pass on the heartbeats of the agents linked to them
 * ({@link #heartbeat(String, Heartbeat, String)}): an agent is connected when it beat within the
 * timeout on any controller, and {@link Live#controller()} names the controller it is linked to
 * when that is not this one. {@link #isLinkedHere} tells whether this controller's own bridge
 * holds its connection (a heartbeat over it within the timeout, and the connection not closed
 * since); {@link #onUnlinked} hears when that ends.
 *
 * <p>Confined to one Vert.x context: call it from the controller's event loop only.
 */
public final class LiveAgents {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(LiveAgents.class.getName());
    /**
     * What the controller knows of one agent's connection.
     *
     * @param probes   each probe's last state (starting, passing, failing), from {@code probe.changed}
     * @param lastExit the fields of the product's last {@code product.exited} since it last started
     * @param controller the controller the agent is linked to when that is another one (clustered), null when
     *                   it is this one or the agent is not connected
     */
    public record Live(String node, boolean connected, Instant lastHeartbeat, Facts facts, Map<String, String> probes,
                       Map<String, Object> lastExit, String controller) {
        public Live {
            probes = Map.copyOf(probes);
            lastExit = lastExit == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(lastExit));
        }

        /**
         * healthy (every probe passing), unhealthy (one failing), starting, stopped (the product is
         * not running), or unknown (not connected, or no probes reported yet).
         */
        public String health() {
            if (!connected) {
                return "unknown";
            }
            String product = facts == null ? null : facts.productState();
            if ("stopped".equals(product) || "exited".equals(product)) {
                return "stopped";
            }
            if (probes.isEmpty()) {
                return "unknown";
            }
            if (probes.containsValue("failing")) {
                return "unhealthy";
            }
            return probes.values().stream().allMatch("passing"::equals) ? "healthy" : "starting";
        }
    }

    private static final class Entry {
        final String node;
        boolean connected;
        Instant lastHeartbeat;
        long lastSeenNanos;
        Facts facts;
        final Map<String, String> probes = new TreeMap<>();
        Map<String, Object> lastExit;
        Object pid;
        long probeRun;
        /** When the agent last beat over this controller's own bridge; -1 when it is not linked here. */
        long linkedNanos = -1;
        /** The controller that passed on the last heartbeat another controller passed on (named while it is not linked here). */
        String holder;

        Entry(String node) {
            this.node = node;
        }
    }

    private final Journal journal;
    private final Duration timeout;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries = new HashMap<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final List<Consumer<String>> listeners = new ArrayList<>();
    private final List<BiConsumer<String, Heartbeat>> heartbeatListeners = new ArrayList<>();
    private final List<Consumer<String>> unlinkedListeners = new ArrayList<>();
    private Vertx vertx;
    private long timer = -1;

    public LiveAgents(Journal journal, Duration timeout) {
        this(journal, timeout, System::nanoTime);
    }

    LiveAgents(Journal journal, Duration timeout, LongSupplier nanoClock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the heartbeat timeout must be positive, not " + Durations.format(timeout));
        }
        this.journal = journal;
        this.timeout = timeout;
        this.nanoClock = nanoClock;
    }

    /** Starts the sweep that declares silent agents lost (every quarter of the timeout, at most every second). */
    public void start(Vertx vertx) {
        this.vertx = vertx;
        long every = Math.max(20, Math.min(1000, timeout.toMillis() / 4));
        timer = vertx.setPeriodic(every, id -> sweep());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    public Duration timeout() {
        return timeout;
    }

    /** A heartbeat from {@code node} (the verified name) over this controller's bridge; {@code heartbeat} null when its body was unreadable. */
    public void heartbeat(String node, Heartbeat heartbeat) {
        heartbeat(node, heartbeat, null);
    }

    /**
     * A heartbeat from {@code node} (the verified name), over this controller's bridge when
     * {@code holder} is null, else passed on by the controller {@code holder} whose bridge it came
     * over. An agent linked here stays so until its link here ends, whatever another controller passes on.
     */
    public void heartbeat(String node, Heartbeat heartbeat, String holder) {
        try {
            record(node, heartbeat, holder);
        } finally {
            if (heartbeat != null) {
                for (BiConsumer<String, Heartbeat> listener : List.copyOf(heartbeatListeners)) {
                    try {
                        listener.accept(node, heartbeat);
                    } catch (RuntimeException e) {
                        LOG.warning("a heartbeat listener failed: " + e);
                    }
                }
            }
        }
    }

    private void record(String node, Heartbeat heartbeat, String holder) {
        Entry entry = entries.computeIfAbsent(node, Entry::new);
        entry.lastSeenNanos = nanoClock.getAsLong();
        if (holder == null) {
            entry.linkedNanos = entry.lastSeenNanos;
        } else {
            entry.holder = holder;   // named only while the agent is not linked here
        }
        entry.lastHeartbeat = Instant.now();
        if (heartbeat != null && heartbeat.facts() != null) {
            entry.facts = heartbeat.facts();
        }
        if (!entry.connected) {
            entry.connected = true;
            connected.incrementAndGet();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("node", node);
            if (entry.facts != null) {
                putIfPresent(fields, "host", entry.facts.hostname());
                putIfPresent(fields, "agentVersion", entry.facts.agentVersion());
            }
            putIfPresent(fields, "controller", holder);   // clustered: linked to another controller
            journal.record(FleetEvent.AGENT_CONNECTED, fields);
            changed(node);
        }
    }

    /**
     * An event an agent sent (the node verified by the bridge): probe and product changes update
     * the node's health at once, without waiting for the next heartbeat.
     */
    public void event(String node, String type, Map<String, Object> fields) {
        Entry entry = entries.computeIfAbsent(node, Entry::new);   // an event may come before the first heartbeat
        switch (type) {
            case FleetEvent.PROBE_CHANGED -> {
                long run = fields.get("run") instanceof Number n ? n.longValue() : 0;
                if (run < entry.probeRun) {
                    return;   // a verdict of a probe run the agent has already replaced
                }
                if (run > entry.probeRun) {
                    entry.probes.clear();   // a new run reports every probe of its own
                    entry.probeRun = run;
                }
                if (fields.get("probe") instanceof String probe && fields.get("state") instanceof String state) {
                    entry.probes.put(probe, state);
                }
            }
            case FleetEvent.PRODUCT_STARTED -> {
                entry.probes.clear();
                entry.lastExit = null;
                entry.pid = fields.get("pid");
                entry.facts = withProductState(entry.facts, "running");
            }
            case FleetEvent.PRODUCT_EXITED -> {
                if (entry.pid != null && fields.get("pid") != null && !String.valueOf(entry.pid).equals(String.valueOf(fields.get("pid")))) {
                    return;   // the exit of a run already replaced (a restart's stop reported late)
                }
                entry.probes.clear();
                entry.lastExit = new LinkedHashMap<>(fields);
                entry.facts = withProductState(entry.facts, Boolean.TRUE.equals(fields.get("requested")) ? "stopped" : "exited");
            }
            default -> {
                return;
            }
        }
        changed(node);
    }

    /**
     * The agent of {@code node} answered that its home is now at {@code revision} (an apply or a
     * rollback that changed it): shown at once, not after its next heartbeat (up to 5 s later), so
     * that {@code fleet agents} right after {@code fleet apply} agrees with the rollout.
     */
    public void applied(String node, long revision) {
        Entry entry = entries.get(node);
        if (entry != null && entry.facts != null && entry.facts.bundleRevision() != revision) {
            entry.facts = entry.facts.withBundleRevision(revision);
            changed(node);
        }
    }

    /** Forgets a node's probe states: its product is being (re)started, so earlier verdicts no longer hold. */
    public void resetProbes(String node) {
        Entry entry = entries.get(node);
        if (entry != null) {
            entry.probes.clear();
        }
    }

    /** Called on this context with the node's name whenever its connection, product or probes change. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<String> listener) {
        listeners.remove(listener);
    }

    /** Called on this context with every heartbeat as it arrives (heartbeats are not journaled). */
    public void onHeartbeat(BiConsumer<String, Heartbeat> listener) {
        heartbeatListeners.add(listener);
    }

    public void removeHeartbeatListener(BiConsumer<String, Heartbeat> listener) {
        heartbeatListeners.remove(listener);
    }

    private void changed(String node) {
        List.copyOf(listeners).forEach(l -> l.accept(node));
    }

    private static Facts withProductState(Facts facts, String productState) {
        return facts == null ? null : facts.withProductState(productState);
    }

    /**
     * The connection {@code node} registered its command address over (on this controller's
     * bridge) closed: it is no longer linked here, though it stays connected until its heartbeats
     * stop everywhere (another controller may hold it already).
     */
    public void linkClosed(String node) {
        Entry entry = entries.get(node);
        if (entry != null && entry.linkedNanos >= 0) {
            unlink(entry);
        }
    }

    /** Called on this context with the node's name when its link to this controller's bridge ends (closed, or silent for the timeout). */
    public void onUnlinked(Consumer<String> listener) {
        unlinkedListeners.add(listener);
    }

    /** Whether this controller's own bridge holds {@code node}'s connection (it beat over it within the timeout). */
    public boolean isLinkedHere(String node) {
        Entry entry = entries.get(node);
        return entry != null && entry.linkedNanos >= 0;
    }

    private void unlink(Entry entry) {
        entry.linkedNanos = -1;
        List.copyOf(unlinkedListeners).forEach(l -> l.accept(entry.node));
    }

    /** Connected to this controller or, clustered, to another that passes its heartbeats on. */
    public boolean isConnected(String node) {
        Entry entry = entries.get(node);
        return entry != null && entry.connected;
    }

    public Optional<Live> get(String node) {
        return Optional.ofNullable(entries.get(node)).map(LiveAgents::view);
    }

    public List<Live> all() {
        List<Live> all = new ArrayList<>();
        entries.values().forEach(e -> all.add(view(e)));
        return all;
    }

    /** Safe from any thread (metrics). */
    public int connectedCount() {
        return connected.get();
    }

    /** Declares lost every connected agent silent for longer than the timeout. */
    void sweep() {
        long now = nanoClock.getAsLong();
        for (Entry entry : entries.values()) {
            if (entry.linkedNanos >= 0 && now - entry.linkedNanos > timeout.toNanos()) {
                unlink(entry);
            }
            if (entry.connected && now - entry.lastSeenNanos > timeout.toNanos()) {
                entry.connected = false;
                connected.decrementAndGet();
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("node", entry.node);
                fields.put("lastHeartbeat", entry.lastHeartbeat.toString());
                fields.put("timeoutSeconds", timeout.toMillis() / 1000.0);
                journal.record(FleetEvent.AGENT_LOST, fields);
                changed(entry.node);
            }
        }
    }

    private static Live view(Entry e) {
        return new Live(e.node, e.connected, e.lastHeartbeat, e.facts, e.probes, e.lastExit,
                e.connected && e.linkedNanos < 0 ? e.holder : null);
    }

    private static void putIfPresent(Map<String, Object> fields, String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
    }
}
