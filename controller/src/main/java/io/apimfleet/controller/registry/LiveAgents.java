package io.apimfleet.controller.registry;

import io.apimfleet.controller.journal.Journal;
import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.FleetEvent;
import io.apimfleet.protocol.link.Heartbeat;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Which agents are connected, from their heartbeats alone (the bridge raises no connect or
 * disconnect events). In memory only: after a controller restart the table fills again from the
 * next heartbeats. The first heartbeat after an absence journals {@code agent.connected}; no
 * heartbeat for the timeout journals {@code agent.lost}. The node always comes from the header the
 * bridge stamped from the client certificate, never from a message body.
 *
 * <p>Confined to one Vert.x context: call it from the controller's event loop only.
 */
public final class LiveAgents {
    /** What the controller knows of one agent's connection. */
    public record Live(String node, boolean connected, Instant lastHeartbeat, Facts facts) {
    }

    private static final class Entry {
        final String node;
        boolean connected;
        Instant lastHeartbeat;
        long lastSeenNanos;
        Facts facts;

        Entry(String node) {
            this.node = node;
        }
    }

    private final Journal journal;
    private final Duration timeout;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries = new HashMap<>();
    private final AtomicInteger connected = new AtomicInteger();
    private Vertx vertx;
    private long timer = -1;

    public LiveAgents(Journal journal, Duration timeout) {
        this(journal, timeout, System::nanoTime);
    }

    LiveAgents(Journal journal, Duration timeout, LongSupplier nanoClock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the heartbeat timeout must be positive, not " + timeout);
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

    /** A heartbeat from {@code node} (the verified name); {@code heartbeat} null when its body was unreadable. */
    public void heartbeat(String node, Heartbeat heartbeat) {
        Entry entry = entries.computeIfAbsent(node, Entry::new);
        entry.lastSeenNanos = nanoClock.getAsLong();
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
            journal.record(FleetEvent.AGENT_CONNECTED, fields);
        }
    }

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
            if (entry.connected && now - entry.lastSeenNanos > timeout.toNanos()) {
                entry.connected = false;
                connected.decrementAndGet();
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("node", entry.node);
                fields.put("lastHeartbeat", entry.lastHeartbeat.toString());
                fields.put("timeoutSeconds", timeout.toMillis() / 1000.0);
                journal.record(FleetEvent.AGENT_LOST, fields);
            }
        }
    }

    private static Live view(Entry e) {
        return new Live(e.node, e.connected, e.lastHeartbeat, e.facts);
    }

    private static void putIfPresent(Map<String, Object> fields, String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
    }
}
