package io.apimfleet.protocol.bundle;

import java.util.List;

/** A rollback: the revision undone, the one now current (0 for none), and the paths restored. */
public record RollbackResult(String node, long undoneRevision, long currentRevision, List<String> restored) {
    public RollbackResult {
        restored = List.copyOf(restored);
    }
}
