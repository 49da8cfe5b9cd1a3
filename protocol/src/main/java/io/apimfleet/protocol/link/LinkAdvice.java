package io.apimfleet.protocol.link;

import java.time.Duration;

/**
 * The controller's answer to a heartbeat that asks for it ({@link Addresses#advice}): how widely
 * an agent that loses its link spreads its reconnection attempts, sized to the fleet so that one
 * controller coming back is not met by every agent at once.
 *
 * @param reconnectSpreadMillis the smallest window, in milliseconds, each reconnection delay is drawn from
 */
public record LinkAdvice(long reconnectSpreadMillis) {
    /**
     * New agent handshakes per second a controller's bridge takes on (it turns the rest away at
     * once); the spread gives every agent a turn at this rate. About 90 mutual-TLS handshakes a
     * second were measured on 2 cores shared with 10,000 simulated agents.
     */
    public static final int RECONNECTS_PER_SECOND = 100;
    private static final long MIN_SPREAD_MILLIS = 1_000;
    /** The longest spread a controller advises, and the longest an agent accepts from any controller. */
    public static final Duration LONGEST_SPREAD = Duration.ofMinutes(10);

    /** The spread for {@code agents} connected agents: long enough for all of them at {@link #RECONNECTS_PER_SECOND}. */
    public static LinkAdvice forFleetOf(int agents) {
        long spread = (long) agents * 1_000 / RECONNECTS_PER_SECOND;
        return new LinkAdvice(Math.max(MIN_SPREAD_MILLIS, Math.min(LONGEST_SPREAD.toMillis(), spread)));
    }

    public Duration reconnectSpread() {
        return Duration.ofMillis(reconnectSpreadMillis);
    }
}
