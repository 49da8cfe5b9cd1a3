package io.apimfleet.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.protocol.link.Heartbeat;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * One {@code GET /v1/events} response: NDJSON, one {@link FleetEvent} per line, from index
 * {@code since + 1}. Without follow it ends at the entry that was last when the request came;
 * with follow it stays open and writes entries as they are journaled, until the client goes.
 * Reads in pages and waits for the client to drain, so a slow reader never piles up memory.
 */
final class EventStream {
    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());
    static final int PAGE = 500;

    private final Journal journal;
    private final HttpServerResponse response;
    private final boolean follow;
    private final Runnable listener = this::pump;
    private final LiveAgents live;
    private final BiConsumer<String, Heartbeat> heartbeats = this::heartbeat;
    private long next;
    private long stopAt;
    private boolean reading;
    private boolean closed;

    /** @param live with follow, heartbeats are written too as they arrive (index 0: not journaled); else null */
    EventStream(Journal journal, HttpServerResponse response, long since, boolean follow, LiveAgents live) {
        this.journal = journal;
        this.live = follow ? live : null;
        this.response = response;
        this.next = since;
        this.follow = follow;
    }

    void start() {
        response.setChunked(true)
                .putHeader("Content-Type", "application/x-ndjson; charset=utf-8")
                .putHeader("Cache-Control", "no-store");
        response.closeHandler(v -> stop());
        response.exceptionHandler(e -> stop());
        stopAt = follow ? Long.MAX_VALUE : journal.size();
        if (follow) {
            journal.subscribe(listener);
            if (live != null) {
                live.onHeartbeat(heartbeats);
            }
            response.writeHead();   // the client sees 200 now, not at the first new entry
        }
        pump();
    }

    private void pump() {
        if (closed || reading) {
            return;
        }
        long until = Math.min(stopAt, journal.size());
        if (next >= until) {
            if (!follow) {
                closed = true;
                response.end();
            }
            return;
        }
        if (response.writeQueueFull()) {
            response.drainHandler(v -> pump());
            return;
        }
        reading = true;
        journal.read(next, (int) Math.min(PAGE, until - next)).onComplete(result -> {
            reading = false;
            if (closed) {
                return;
            }
            if (result.failed()) {
                LOG.warning("cannot read the journal for an events stream: " + result.cause().getMessage());
                stop();
                response.reset();
                return;
            }
            Journal.Page page = result.result();
            StringBuilder lines = new StringBuilder();
            for (FleetEvent event : page.events()) {
                try {
                    lines.append(Json.mapper().writeValueAsString(event)).append('\n');
                } catch (JsonProcessingException e) {
                    LOG.warning("journal entry " + event.index() + " cannot be written as JSON: " + e.getOriginalMessage());
                }
            }
            next = Math.max(next + 1, page.through());
            if (!lines.isEmpty()) {
                response.write(lines.toString());
            }
            pump();
        });
    }

    /** A heartbeat, as a line of its own; dropped (never queued) when the client is not keeping up. */
    private void heartbeat(String node, Heartbeat heartbeat) {
        if (closed || response.writeQueueFull()) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (heartbeat.facts() != null) {
            fields.put("productState", heartbeat.facts().productState());
            fields.put("bundleRevision", heartbeat.facts().bundleRevision());
        }
        try {
            response.write(Json.mapper().writeValueAsString(new FleetEvent(0, Instant.now(), FleetEvent.AGENT_HEARTBEAT, node, fields)) + "\n");
        } catch (JsonProcessingException e) {
            LOG.warning("a heartbeat cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    private void stop() {
        closed = true;
        journal.unsubscribe(listener);
        if (live != null) {
            live.removeHeartbeatListener(heartbeats);
        }
    }
}
