package io.apimfleet.controller.cluster;

import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The journal entries the controllers of the cluster share, in one order: a Hazelcast ring buffer
 * ({@value #RING}) of the last {@value #CAPACITY} entries (older ones are overwritten), on every
 * member of three (backup count {@value #BACKUPS}, synchronous). Each controller adds the entries
 * it journals and appends the others' to its own journal, so every journal holds the cluster's
 * entries; entries are journal lines (never a secret). A controller that was away longer than the
 * ring holds misses the entries overwritten meanwhile. Every method blocks on the cluster: call it
 * off the event loop.
 */
public final class SharedJournal {
    static final String RING = "apim-fleet-journal";
    static final int CAPACITY = 10_000;
    static final int BACKUPS = 2;
    private static final long READ_TIMEOUT_S = 10;

    /** Entries read from the ring, and the sequence to read from next. */
    public record Read(List<String> entries, long next) {
        public Read {
            entries = List.copyOf(entries);
        }
    }

    private final Ringbuffer<String> ring;

    private SharedJournal(Ringbuffer<String> ring) {
        this.ring = ring;
    }

    public static SharedJournal of(ControllerCluster cluster) {
        return new SharedJournal(cluster.hazelcast().getRingbuffer(RING));
    }

    public void add(String entry) {
        ring.add(entry);
    }

    /** The oldest sequence the ring still holds (where a controller that knows nothing starts). */
    public long head() {
        return ring.headSequence();
    }

    /**
     * At most {@code max} entries from sequence {@code from} on, without waiting for new ones;
     * from the oldest still held when {@code from} was overwritten meanwhile.
     */
    public Read read(long from, int max) {
        long start = Math.max(from, ring.headSequence());
        try {
            ReadResultSet<String> result = ring.readManyAsync(start, 0, max, null).toCompletableFuture().get(READ_TIMEOUT_S, TimeUnit.SECONDS);
            List<String> entries = new ArrayList<>(result.size());
            result.forEach(entries::add);
            return new Read(entries, result.getNextSequenceToReadFrom());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StaleSequenceException) {
                return read(ring.headSequence(), max);
            }
            throw new IllegalStateException("cannot read the shared journal: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the shared journal did not answer in " + READ_TIMEOUT_S + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the shared journal", e);
        }
    }
}
