package io.apimfleet.bundle.stage;

import java.time.Instant;
import java.util.List;

/** A bundle applied to a home, with what it changed; {@code seq} numbers local applies. */
public record AppliedRevision(long seq, String node, long revision, String bundleHash, Instant appliedAt,
                              List<FileRecord> files) {
    public AppliedRevision {
        files = List.copyOf(files);
    }
}
