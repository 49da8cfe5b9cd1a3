package io.apimfleet.protocol.bundle;

import java.util.List;

/**
 * What a bundle did (or, for a dry run, would do): per operation, and per file with diffs.
 * {@code changed} false means "no changes": no file was touched.
 */
public record ApplyResult(String node, long revision, boolean dryRun, List<OperationResult> operations,
                          List<FileChange> files) {
    public ApplyResult {
        operations = List.copyOf(operations);
        files = List.copyOf(files);
    }

    public boolean changed() {
        return !files.isEmpty();
    }

    /** One line per operation, then a summary line; holds no value. */
    public String report() {
        StringBuilder out = new StringBuilder();
        for (OperationResult op : operations) {
            out.append(String.format("%3d  %-8s %s: %s%n", op.index() + 1, op.changed() ? "changed" : "ok", op.operation(), op.detail()));
        }
        if (files.isEmpty()) {
            out.append("no changes\n");
        } else {
            long created = files.stream().filter(f -> f.kind() == FileChange.Kind.CREATED).count();
            long deleted = files.stream().filter(f -> f.kind() == FileChange.Kind.DELETED).count();
            out.append(String.format("%s %d files (%d modified, %d created, %d deleted) for %s revision %d%n",
                    dryRun ? "would change" : "changed", files.size(), files.size() - created - deleted, created, deleted, node, revision));
        }
        return out.toString();
    }

    /** All diffs, one after another, as {@code diff -u} would print them. */
    public String diff() {
        StringBuilder out = new StringBuilder();
        files.forEach(f -> out.append(f.diff()));
        return out.toString();
    }
}
