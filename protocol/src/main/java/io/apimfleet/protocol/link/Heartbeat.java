package io.apimfleet.protocol.link;

import java.time.Duration;
import java.time.Instant;

/** Sent by every agent every {@link #INTERVAL}: liveness comes from these (the bridge raises no events). */
public record Heartbeat(Instant sentAt, Facts facts) {
    /** How often an agent sends one (with a ping), unless its link settings say otherwise. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
}
