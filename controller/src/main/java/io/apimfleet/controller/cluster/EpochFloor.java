package io.apimfleet.controller.cluster;

/**
 * The highest leadership epoch this controller has acted under or seen a leader act under, kept
 * outside the CP group (in the controller's state directory) so that it outlives the group: a
 * new CP group's lock fences start small again, and agents refuse any epoch below the newest they
 * have seen. Called only on the leadership thread, which may block.
 */
public interface EpochFloor {
    /** The highest epoch written down; 0 when none. */
    long highest();

    /** Writes {@code epoch} down, synced before it returns, unless a higher one is already there. */
    void raise(long epoch);
}
