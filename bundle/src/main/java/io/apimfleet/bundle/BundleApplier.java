package io.apimfleet.bundle;

import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.OperationResult;
import io.apimfleet.protocol.bundle.FileChange;
import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.bundle.RollbackResult;
import io.apimfleet.bundle.diff.SecretMasker;
import io.apimfleet.bundle.diff.UnifiedDiff;
import io.apimfleet.bundle.op.OperationRunner;
import io.apimfleet.bundle.op.SecretValues;
import io.apimfleet.bundle.stage.AppliedRevision;
import io.apimfleet.bundle.stage.Checkpoints;
import io.apimfleet.bundle.stage.Durable;
import io.apimfleet.bundle.stage.FileRecord;
import io.apimfleet.bundle.stage.HomeView;
import io.apimfleet.bundle.stage.Intent;
import io.apimfleet.bundle.stage.StateDir;
import io.apimfleet.bundle.stage.Swap;
import io.apimfleet.protocol.ContentHash;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.Bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Applies bundles to one product home: the one entry point of this module. Operations run on a
 * staged view; only when all succeed are the changed files swapped in under an intent journal,
 * with the replaced files backed up in the state directory. A failing bundle leaves the home
 * untouched; a crash leaves it wholly old or, after {@link #recover()}, wholly new.
 */
public final class BundleApplier {
    private final Path home;
    private final StateDir state;
    private final Secrets secrets;
    private final Checkpoints checkpoints;

    public BundleApplier(Path home, Path stateDir, Secrets secrets) {
        this(home, stateDir, secrets, Checkpoints.NONE);
    }

    public BundleApplier(Path home, Path stateDir, Secrets secrets, Checkpoints checkpoints) {
        this.home = home.toAbsolutePath().normalize();
        this.state = new StateDir(stateDir.toAbsolutePath().normalize());
        this.secrets = secrets;
        this.checkpoints = checkpoints;
        if (this.state.root().startsWith(this.home)) {
            throw new BundleException("state directory " + stateDir + " must be outside the home " + home);
        }
    }

    /** What the bundle would change, with diffs; writes nothing. */
    public ApplyResult plan(Bundle bundle) {
        requireHome();
        if (Files.exists(state.intent())) {
            throw new BundleException("an interrupted apply is pending in " + state.root() + "; recover it first");
        }
        return stage(bundle).result(true);
    }

    /** Applies the bundle: no changes touches nothing; otherwise one atomic, backed-up swap. */
    public ApplyResult apply(Bundle bundle) {
        requireHome();
        try (AutoCloseable ignored = state.lock()) {
            swap().recover();
            Staged staged = stage(bundle);
            if (!staged.changes().isEmpty() || staged.runtimeChanged() || staged.probesChanged()) {
                commit(bundle, staged);
            }
            return staged.result(false);
        } catch (BundleException | UncheckedIOException e) {
            throw e;
        } catch (Exception e) {
            throw new BundleException("apply failed: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the home to the revision before the current one, byte for byte. Refuses when a
     * file the current revision wrote was changed since, unless {@code force}.
     */
    public RollbackResult rollback(boolean force) {
        return rollback(force, 0);
    }

    /**
     * As {@link #rollback(boolean)}, but only when {@code expectedRevision} is the one applied (0:
     * whichever is), so a repeated or late request never undoes a revision it did not mean.
     */
    public RollbackResult rollback(boolean force, long expectedRevision) {
        try (AutoCloseable ignored = state.lock()) {
            swap().recover();
            List<AppliedRevision> history = state.readHistory();
            if (history.isEmpty()) {
                throw new BundleException("nothing to roll back: no revision was applied to " + home);
            }
            AppliedRevision current = history.get(history.size() - 1);
            if (expectedRevision != 0 && current.revision() != expectedRevision) {
                throw new BundleException("revision " + expectedRevision + " is not the one applied to " + home
                        + " (revision " + current.revision() + " is): nothing rolled back");
            }
            if (!force) {
                checkUnchangedSince(current);
            }
            List<Intent.Action> actions = new ArrayList<>();
            String backups = state.root().relativize(state.backups(current.seq())).toString();
            for (FileRecord f : current.files()) {
                actions.add(switch (f.before()) {
                    case ABSENT -> new Intent.Action(Intent.Action.Type.DELETE, f.path(), null, null);
                    case FILE -> new Intent.Action(Intent.Action.Type.WRITE, f.path(), backups + "/" + f.path(), f.mode());
                    case DIRECTORY -> new Intent.Action(Intent.Action.Type.RESTORE_TREE, f.path(), backups + "/" + f.path(), null);
                });
            }
            List<AppliedRevision> remaining = history.subList(0, history.size() - 1);
            boolean runtimeChanged = !Objects.equals(process(current), remaining.isEmpty() ? null : process(remaining.get(remaining.size() - 1)));
            Intent intent = new Intent("rollback", actions, remaining, List.of(backups,
                    state.root().relativize(state.bundle(current.seq())).toString()));
            swap().commit(intent);
            swap().run(intent);
            long now = remaining.isEmpty() ? 0 : remaining.get(remaining.size() - 1).revision();
            return new RollbackResult(current.node(), current.revision(), now,
                    current.files().stream().map(FileRecord::path).toList(), runtimeChanged);
        } catch (BundleException | UncheckedIOException e) {
            throw e;
        } catch (Exception e) {
            throw new BundleException("rollback failed: " + e.getMessage(), e);
        }
    }

    /** Finishes a swap a crash interrupted; true when there was one. Called before every apply. */
    public boolean recover() {
        try (AutoCloseable ignored = state.lock()) {
            return swap().recover();
        } catch (BundleException | UncheckedIOException e) {
            throw e;
        } catch (Exception e) {
            throw new BundleException("recovery failed: " + e.getMessage(), e);
        }
    }

    /** Applied revisions, oldest first. */
    public List<AppliedRevision> history() {
        return state.readHistory();
    }

    private record Staged(Bundle bundle, HomeView view, List<OperationResult> operations,
                          Map<String, HomeView.Change> changes, SecretMasker masker, boolean runtimeChanged, boolean probesChanged) {
        ApplyResult result(boolean dryRun) {
            List<FileChange> files = new ArrayList<>();
            changes.forEach((path, change) -> files.add(describe(view.home().resolve(path), path, change, masker)));
            return new ApplyResult(bundle.node(), bundle.revision(), dryRun, operations, files, runtimeChanged, probesChanged);
        }
    }

    /** The last applied bundle, if any (an unreadable one counts as none: it is replaced). */
    private Optional<Bundle> lastBundle() {
        List<AppliedRevision> history = state.readHistory();
        return history.isEmpty() ? Optional.empty() : bundle(history.get(history.size() - 1));
    }

    private Optional<Bundle> bundle(AppliedRevision revision) {
        try {
            return Optional.of(Json.mapper().readValue(state.bundle(revision.seq()).toFile(), Bundle.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private ProcessSpec process(AppliedRevision revision) {
        return bundle(revision).map(Bundle::process).orElse(null);
    }

    private Staged stage(Bundle bundle) {
        HomeView view = new HomeView(home);
        SecretValues values = new SecretValues(secrets);
        OperationRunner runner = new OperationRunner(view, values);
        List<OperationResult> results = new ArrayList<>();
        for (int i = 0; i < bundle.operations().size(); i++) {
            results.add(runner.run(i, bundle.operations().get(i)));
        }
        Optional<Bundle> last = lastBundle();
        return new Staged(bundle, view, results, view.netChanges(), new SecretMasker(values.used()),
                last.map(b -> !Objects.equals(b.process(), bundle.process())).orElse(bundle.process() != null),
                last.map(b -> !Objects.equals(b.probes(), bundle.probes())).orElse(!bundle.probes().isEmpty()));
    }

    private void commit(Bundle bundle, Staged staged) throws IOException {
        List<AppliedRevision> history = state.readHistory();
        long seq = history.isEmpty() ? 1 : history.get(history.size() - 1).seq() + 1;
        Durable.deleteTree(state.txn());
        Durable.deleteTree(state.backups(seq));
        List<FileRecord> records = new ArrayList<>();
        List<Intent.Action> actions = new ArrayList<>();
        for (Map.Entry<String, HomeView.Change> e : staged.changes().entrySet()) {
            String path = e.getKey();
            records.add(backup(seq, path, e.getValue()));
            if (e.getValue() instanceof HomeView.Write w) {
                Durable.write(state.staged().resolve(path), w.content(), w.mode());
                actions.add(new Intent.Action(Intent.Action.Type.WRITE, path, "txn/staged/" + path, w.mode()));
            } else {
                actions.add(new Intent.Action(Intent.Action.Type.DELETE, path, null, null));
            }
            checkpoints.reached("prepared " + path);
        }
        checkpoints.reached("staged");
        byte[] bundleJson = Json.mapper().writeValueAsBytes(bundle);
        Durable.write(state.bundle(seq), bundleJson, 0600);
        List<AppliedRevision> next = new ArrayList<>(history);
        next.add(new AppliedRevision(seq, bundle.node(), bundle.revision(), ContentHash.of(bundleJson), Instant.now(), records));
        Intent intent = new Intent("apply", actions, next, List.of());
        swap().commit(intent);
        swap().run(intent);
    }

    private FileRecord backup(long seq, String path, HomeView.Change change) {
        Path real = home.resolve(path);
        Path saved = state.backups(seq).resolve(path);
        String hashAfter = change instanceof HomeView.Write w ? ContentHash.of(w.content()) : null;
        if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            Durable.copyTree(real, saved);
            return new FileRecord(path, FileRecord.Before.DIRECTORY, null, hashAfter);
        }
        if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
            Integer mode = Durable.mode(real);
            Durable.write(saved, readAll(real), mode);
            return new FileRecord(path, FileRecord.Before.FILE, mode, hashAfter);
        }
        return new FileRecord(path, FileRecord.Before.ABSENT, null, hashAfter);
    }

    private void checkUnchangedSince(AppliedRevision current) {
        List<String> drifted = new ArrayList<>();
        for (FileRecord f : current.files()) {
            Path real = home.resolve(f.path());
            boolean exists = Files.exists(real, LinkOption.NOFOLLOW_LINKS);
            if (f.hashAfter() == null ? exists : !exists || !Files.isRegularFile(real) || !ContentHash.of(readAll(real)).equals(f.hashAfter())) {
                drifted.add(f.path());
            }
        }
        if (!drifted.isEmpty()) {
            throw new BundleException("files changed since revision " + current.revision() + " was applied: "
                    + String.join(", ", drifted) + "; rolling back would overwrite those changes (use --force to do it anyway)");
        }
    }

    private static FileChange describe(Path real, String path, HomeView.Change change, SecretMasker masker) {
        byte[] before = Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? readAll(real) : null;
        if (change instanceof HomeView.Delete) {
            if (before == null) {
                return new FileChange(path, FileChange.Kind.DELETED, "deleted: " + path + "/ (directory, " + countFiles(real) + " files)\n");
            }
            return new FileChange(path, FileChange.Kind.DELETED, diff(path, before, null, masker));
        }
        byte[] after = ((HomeView.Write) change).content();
        FileChange.Kind kind = before == null ? FileChange.Kind.CREATED : FileChange.Kind.MODIFIED;
        return new FileChange(path, kind, diff(path, before, after, masker));
    }

    private static String diff(String path, byte[] before, byte[] after, SecretMasker masker) {
        Optional<String> a = before == null ? Optional.of("") : text(before);
        Optional<String> b = after == null ? Optional.of("") : text(after);
        if (a.isEmpty() || b.isEmpty()) {
            return "Binary files a/" + path + " and b/" + path + " differ\n";
        }
        String diff = UnifiedDiff.of(path, before == null ? null : a.get(), after == null ? null : b.get());
        return masker.mask(diff);
    }

    private static Optional<String> text(byte[] content) {
        for (byte b : content) {
            if (b == 0) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString());
        } catch (CharacterCodingException notUtf8) {
            return Optional.of(new String(content, StandardCharsets.ISO_8859_1));
        }
    }

    private static long countFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Swap swap() {
        return new Swap(home, state, checkpoints);
    }

    private void requireHome() {
        if (!Files.isDirectory(home)) {
            throw new BundleException("home " + home + " is not a directory");
        }
    }
}
