package io.apimfleet.protocol.link;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of the controller's journal, as {@code fleet events} prints it (NDJSON, resumable by
 * {@code index}). Fields never hold a secret. Types are in {@link #AGENT_CONNECTED} and friends;
 * docs/events.md describes each.
 */
public record FleetEvent(long index, Instant time, String type, String node, Map<String, Object> fields) {
    public static final String AGENT_CONNECTED = "agent.connected";
    public static final String AGENT_LOST = "agent.lost";
    public static final String AGENT_ENROLLED = "agent.enrolled";
    public static final String PROBE_CHANGED = "probe.changed";
    public static final String PRODUCT_STARTED = "product.started";
    public static final String PRODUCT_EXITED = "product.exited";
    public static final String BUNDLE_APPLIED = "bundle.applied";
    public static final String ROLLOUT_STARTED = "rollout.started";
    public static final String ROLLOUT_PHASE = "rollout.phase";
    public static final String ROLLOUT_NODE = "rollout.node";
    public static final String ROLLOUT_FINISHED = "rollout.finished";
    /** Not journaled: streamed live to {@code fleet events --follow --heartbeats}, with index 0. */
    public static final String AGENT_HEARTBEAT = "agent.heartbeat";

    public FleetEvent {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }
}
