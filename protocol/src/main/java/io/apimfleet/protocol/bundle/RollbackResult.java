package io.apimfleet.protocol.bundle;

import java.util.List;

/**
 * A rollback: the revision undone, the one now current (0 for none), and the paths restored.
 *
 * @param runtimeChanged the product's process differs between the undone bundle and the one now
 *                       current: it must restart (a reload does not take a new command)
 */
public record RollbackResult(String node, long undoneRevision, long currentRevision, List<String> restored, boolean runtimeChanged) {
    public RollbackResult {
        restored = List.copyOf(restored);
    }
}
