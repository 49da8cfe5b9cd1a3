package io.apimfleet.agent.link;

import io.apimfleet.protocol.link.LinkAdvice;

import java.time.Duration;
import java.util.Random;

/**
 * Reconnection delays: exponential (base, times 1.5, up to max) with full jitter: each delay is
 * uniform between 0 and the current cap, so hundreds of agents that lost the same controller at the
 * same moment spread their reconnections over the whole window instead of arriving as a storm.
 * Growth is 1.5 rather than 2 so that a controller back after a restart of a few seconds is found
 * within about ten (caps 1, 1.5, 2.25, 3.4, 5.1 s ...), while the spread still widens quickly.
 *
 * <p>A large fleet needs more: thousands of agents that lose their controller together would all
 * come back within the first few seconds, faster than one controller can complete mutual-TLS
 * handshakes, and the handshakes they abandon keep it busy until none succeeds (measured: 303 of
 * 10,000 links back after 240 s). So the controller advises a spread for its fleet's size
 * ({@link #spreadOver}): the caps start there instead of at the base and grow from it, up to twice
 * the spread (at most {@link LinkAdvice#LONGEST_SPREAD}), so that agents whose attempts fail while
 * the controller is busy come back less often rather than as often. Not more than twice: the
 * controller turns away the handshakes beyond its rate before any work, so a turned-away attempt
 * costs it little, and caps of four times the spread only made the last agents wait (10,000
 * agents on 2 cores, one run each: the last back 139 s and 184 s after a restart with four times,
 * 116 s with twice).
 * Not thread-safe: the link uses it from its event loop only.
 */
public final class Backoff {
    private static final int GROWTH_BEYOND_SPREAD = 2;
    private final long baseMillis;
    private final long maxMillis;
    private final Random random;
    private long floorMillis;
    private int attempt;

    public Backoff(Duration base, Duration max, Random random) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max");
        }
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
        this.floorMillis = baseMillis;
        this.random = random;
    }

    /** The agent's policy: 1 s, times 1.5 per failure, to 60 s. */
    public static Backoff standard(Random random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), random);
    }

    /** The upper bound of the next delay. */
    public Duration cap() {
        long limit = limitMillis();
        long cap = floorMillis;
        for (int i = 0; i < attempt && cap < limit; i++) {
            cap = cap * 3 / 2;
        }
        return Duration.ofMillis(Math.min(cap, limit));
    }

    /** The largest cap: the maximum, or twice an advised spread above it (never above {@link LinkAdvice#LONGEST_SPREAD}). */
    private long limitMillis() {
        return floorMillis == baseMillis ? maxMillis
                : Math.max(maxMillis, Math.min(floorMillis * GROWTH_BEYOND_SPREAD, LinkAdvice.LONGEST_SPREAD.toMillis()));
    }

    /**
     * The controller's advice: the caps start from {@code window} instead of the base, from the
     * next delay on and after every reset, until advised again. It may exceed the maximum (a big
     * fleet needs it to) but never {@link LinkAdvice#LONGEST_SPREAD}, whatever a controller says.
     */
    public void spreadOver(Duration window) {
        floorMillis = Math.max(baseMillis, Math.min(LinkAdvice.LONGEST_SPREAD.toMillis(), window.toMillis()));
    }

    /** The first cap after a reset: the advised spread, or the base before any advice. */
    public Duration spread() {
        return Duration.ofMillis(floorMillis);
    }

    /** The next delay, uniform in [0, cap]; the cap grows by half for the one after. */
    public Duration next() {
        long cap = cap().toMillis();
        if (cap < limitMillis()) {
            attempt++;
        }
        return Duration.ofMillis(random.nextLong(cap + 1));
    }

    /** Back to the base cap (or the advised spread): the link proved itself (a heartbeat answered, or a long-lived connection). */
    public void reset() {
        attempt = 0;
    }
}
