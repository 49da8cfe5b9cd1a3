package io.apimfleet.protocol.bundle;

import java.util.List;

/**
 * What a bundle did (or, for a dry run, would do): per operation, and per file with diffs.
 * {@code changed} false means "no changes": no file was touched.
 *
 * @param runtimeChanged the bundle's process differs from the last applied bundle's (or none was
 *                       applied): the product must (re)start to take it, even when no file changes
 * @param probesChanged  the bundle's probes differ: the agent probes with the new ones from the
 *                       apply on, without restarting the product
 */
public record ApplyResult(String node, long revision, boolean dryRun, List<OperationResult> operations,
                          List<FileChange> files, boolean runtimeChanged, boolean probesChanged) {
    public ApplyResult {
        operations = List.copyOf(operations);
        files = List.copyOf(files);
    }

    public ApplyResult(String node, long revision, boolean dryRun, List<OperationResult> operations, List<FileChange> files) {
        this(node, revision, dryRun, operations, files, false, false);
    }

    /** Files change, or the way the product runs does: the product must (re)start. */
    public boolean restartNeeded() {
        return changed() || runtimeChanged;
    }

    /** Anything differs from the last applied bundle: files, process or probes. */
    public boolean differs() {
        return restartNeeded() || probesChanged;
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
            out.append(runtimeChanged ? "no file changes; the product's command changes\n"
                    : probesChanged ? "no file changes; the health probes change\n" : "no changes\n");
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
