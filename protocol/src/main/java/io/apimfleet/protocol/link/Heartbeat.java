package io.apimfleet.protocol.link;

import java.time.Instant;

/** Sent by every agent every few seconds: liveness comes from these (the bridge raises no events). */
public record Heartbeat(Instant sentAt, Facts facts) {
}
