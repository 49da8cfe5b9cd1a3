package io.apimfleet.agent.link;

import io.apimfleet.bundle.stage.Durable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The newest leadership epoch this agent has seen on a controller's request, kept in one file of
 * its state directory so it outlives an agent restart. A request stamped with an older epoch
 * comes from a controller that no longer leads (one paused, partitioned away, or replaced) and
 * is refused; a newer one is written down (synced) before its request runs.
 *
 * <p>Confined to the link's event-loop context, except {@link #persist}, which blocks.
 */
public final class EpochFence {
    /** The file's name in the agent's state directory. */
    public static final String FILE = "epoch";

    private final Path file;
    private long newest;

    private EpochFence(Path file, long newest) {
        this.file = file;
        this.newest = newest;
    }

    /** The fence kept in {@code stateDir/epoch} (epoch 0 when the file does not exist yet). */
    public static EpochFence in(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            String text = Files.exists(file) ? Files.readString(file).trim() : "0";
            return new EpochFence(file, Long.parseLong(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the leadership epoch " + file + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the leadership epoch file " + file + " does not hold a number; remove it to start from 0", e);
        }
    }

    public long newest() {
        return newest;
    }

    /**
     * Judges a request's epoch. An older one than the newest seen is refused; a newer one becomes
     * the newest at once (so requests of the older epoch arriving meanwhile are refused) and must
     * be {@link #persist persisted} before its request runs.
     *
     * @return empty when refused; the epoch to persist first; or {@code 0} when nothing needs writing
     */
    OptionalLong admit(long epoch) {
        if (epoch < newest) {
            return OptionalLong.empty();
        }
        if (epoch == newest) {
            return OptionalLong.of(0);
        }
        newest = epoch;   // at once: a request of the older epoch arriving meanwhile is refused
        return OptionalLong.of(epoch);
    }

    /** Writes {@code epoch} down atomically and synced (blocking: call on a worker). */
    void persist(long epoch) {
        Durable.write(file, (epoch + "\n").getBytes(StandardCharsets.US_ASCII), 0600);
    }

    /** The message a refused request gets. */
    String refusal(long epoch) {
        return "refused: this request comes from leadership epoch " + epoch + ", and this agent has seen epoch " + newest
                + ": the controller that sent it no longer leads";
    }
}
