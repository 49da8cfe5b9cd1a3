package io.apimfleet.controller.cluster;

import java.util.concurrent.atomic.AtomicLong;

/** An {@link EpochFloor} in memory, for tests whose members need no state directory. */
public final class MemoryFloor implements EpochFloor {
    private final AtomicLong highest;

    public MemoryFloor(long highest) {
        this.highest = new AtomicLong(highest);
    }

    @Override
    public long highest() {
        return highest.get();
    }

    @Override
    public void raise(long epoch) {
        highest.accumulateAndGet(epoch, Math::max);
    }
}
