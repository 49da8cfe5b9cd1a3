package io.apimfleet.agent.link;

import io.apimfleet.protocol.link.Heartbeat;

import java.time.Duration;

/**
 * Timings of the link to the controller.
 *
 * @param heartbeatInterval how often a heartbeat (with facts) and a ping go out
 * @param silenceLimit      a connection from which nothing (not even a pong) arrived for this long is dropped
 * @param stableAfter       a connection that lasted this long resets the backoff when it ends
 * @param backoffBase       first reconnection delay cap; doubles per failure
 * @param backoffMax        largest reconnection delay cap
 * @param connectTimeout    TCP connect and TLS handshake timeout, each
 */
public record LinkSettings(Duration heartbeatInterval, Duration silenceLimit, Duration stableAfter,
                           Duration backoffBase, Duration backoffMax, Duration connectTimeout) {
    public static LinkSettings defaults() {
        return new LinkSettings(Heartbeat.INTERVAL, Duration.ofSeconds(20), Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(10));
    }
}
