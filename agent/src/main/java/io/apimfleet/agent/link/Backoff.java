package io.apimfleet.agent.link;

import java.time.Duration;
import java.util.Random;

/**
 * Reconnection delays: exponential (base, times 1.5, up to max) with full jitter: each delay is
 * uniform between 0 and the current cap, so hundreds of agents that lost the same controller at the
 * same moment spread their reconnections over the whole window instead of arriving as a storm.
 * Growth is 1.5 rather than 2 so that a controller back after a restart of a few seconds is found
 * within about ten (caps 1, 1.5, 2.25, 3.4, 5.1 s ...), while the spread still widens quickly.
 * Not thread-safe: the link uses it from its event loop only.
 */
public final class Backoff {
    private final long baseMillis;
    private final long maxMillis;
    private final Random random;
    private int attempt;

    public Backoff(Duration base, Duration max, Random random) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max");
        }
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The agent's policy: 1 s, times 1.5 per failure, to 60 s. */
    public static Backoff standard(Random random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), random);
    }

    /** The upper bound of the next delay. */
    public Duration cap() {
        long cap = baseMillis;
        for (int i = 0; i < attempt && cap < maxMillis; i++) {
            cap = cap * 3 / 2;
        }
        return Duration.ofMillis(Math.min(cap, maxMillis));
    }

    /** The next delay, uniform in [0, cap]; the cap grows by half for the one after. */
    public Duration next() {
        long cap = cap().toMillis();
        if (cap < maxMillis) {
            attempt++;
        }
        return Duration.ofMillis(random.nextLong(cap + 1));
    }

    /** Back to the base cap: the link proved itself (a heartbeat answered, or a long-lived connection). */
    public void reset() {
        attempt = 0;
    }
}
