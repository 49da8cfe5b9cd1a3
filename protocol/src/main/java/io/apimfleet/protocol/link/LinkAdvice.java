package io.apimfleet.protocol.link;

import java.time.Duration;
import java.util.List;

/**
 * The controller's answer to a heartbeat that asks for it ({@link Addresses#advice}): how widely
 * an agent that loses its link spreads its reconnection attempts, sized to the fleet so that one
 * controller coming back is not met by every agent at once; and, from controllers that know it,
 * where the controllers' bridges are now.
 *
 * @param reconnectSpreadMillis the smallest window, in milliseconds, each reconnection delay is drawn from
 * @param bridgeEndpoints       every controller's bridge, {@code HOST:PORT}, the answering one first; null
 *                              (absent on the wire, as from controllers that predate it) means "no change"
 */
public record LinkAdvice(long reconnectSpreadMillis, List<String> bridgeEndpoints) {
    /**
     * New agent handshakes per second a controller's bridge takes on (it turns the rest away at
     * once); the spread gives every agent a turn at this rate. Measured on 2 cores shared with
     * 10,000 simulated agents (whose side of each handshake ran on the same cores): about 240
     * mutual-TLS handshakes a second completed; admitting 400 let them pile up until they timed
     * out (20 s with none completed after a restart), admitting 100 left the cores half idle.
     */
    public static final int RECONNECTS_PER_SECOND = 200;
    private static final long MIN_SPREAD_MILLIS = 1_000;
    /** The longest spread a controller advises, and the longest an agent accepts from any controller. */
    public static final Duration LONGEST_SPREAD = Duration.ofMinutes(10);
    /** The most bridge endpoints an agent keeps from an advice (a cluster has three controllers). */
    public static final int MOST_ENDPOINTS = 16;

    public LinkAdvice {
        bridgeEndpoints = bridgeEndpoints == null ? null : List.copyOf(bridgeEndpoints);
    }

    /** Advice about the spread alone, leaving the agent's endpoints as they are. */
    public LinkAdvice(long reconnectSpreadMillis) {
        this(reconnectSpreadMillis, null);
    }

    /** The spread for {@code agents} connected agents: long enough for all of them at {@link #RECONNECTS_PER_SECOND}. */
    public static LinkAdvice forFleetOf(int agents) {
        long spread = (long) agents * 1_000 / RECONNECTS_PER_SECOND;
        return new LinkAdvice(Math.max(MIN_SPREAD_MILLIS, Math.min(LONGEST_SPREAD.toMillis(), spread)));
    }

    /** The same advice, naming the controllers' bridge endpoints (empty or null: no change). */
    public LinkAdvice withBridgeEndpoints(List<String> endpoints) {
        return new LinkAdvice(reconnectSpreadMillis, endpoints == null || endpoints.isEmpty() ? null : endpoints);
    }

    public Duration reconnectSpread() {
        return Duration.ofMillis(reconnectSpreadMillis);
    }
}
