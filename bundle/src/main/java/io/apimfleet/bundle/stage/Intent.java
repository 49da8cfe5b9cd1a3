package io.apimfleet.bundle.stage;

import java.util.List;

/**
 * The journal entry that makes a swap atomic: once it is durable, the swap is decided and a
 * crash only delays it. Every action is idempotent, so recovery replays the whole list.
 */
public record Intent(String kind, List<Action> actions, List<AppliedRevision> history, List<String> cleanup) {
    /** One change of the home: delete a path, write a file from a staged source, or restore a tree. */
    public record Action(Type type, String path, String source, Integer mode) {
        public enum Type { DELETE, WRITE, RESTORE_TREE }
    }

    public Intent {
        actions = List.copyOf(actions);
        history = List.copyOf(history);
        cleanup = List.copyOf(cleanup);
    }
}
