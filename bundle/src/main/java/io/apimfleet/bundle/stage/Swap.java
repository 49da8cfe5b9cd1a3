package io.apimfleet.bundle.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Carries out journaled swaps. {@link #commit} makes an intent durable (the point after which
 * the new state is decided), {@link #run} replays it to the end, and {@link #recover} finishes
 * whatever a crash interrupted, so a home is always wholly old or wholly new.
 */
public final class Swap {
    private final Path home;
    private final StateDir state;
    private final Checkpoints checkpoints;

    public Swap(Path home, StateDir state, Checkpoints checkpoints) {
        this.home = home;
        this.state = state;
        this.checkpoints = checkpoints;
    }

    public void commit(Intent intent) {
        state.writeJson(state.intent(), intent);
        checkpoints.reached("intent committed");
    }

    /** Replays a committed intent; every step is idempotent, so running it twice is harmless. */
    public void run(Intent intent) {
        List<Intent.Action> ordered = intent.actions().stream()
                .sorted(Comparator.comparing(a -> a.type() == Intent.Action.Type.DELETE ? 0 : 1))
                .toList();
        for (Intent.Action action : ordered) {
            Path target = home.resolve(action.path());
            switch (action.type()) {
                case DELETE -> Durable.deleteTree(target);
                case WRITE -> Durable.write(target, read(state.root().resolve(action.source())), action.mode());
                case RESTORE_TREE -> restoreTree(state.root().resolve(action.source()), target);
            }
            checkpoints.reached(action.type() + " " + action.path());
        }
        state.writeJson(state.history(), intent.history());
        checkpoints.reached("history written");
        try {
            Files.deleteIfExists(state.intent());
            Durable.syncDirectory(state.txn());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checkpoints.reached("intent removed");
        Durable.deleteTree(state.txn());
        intent.cleanup().forEach(p -> Durable.deleteTree(state.root().resolve(p)));
        state.removeOrphans(intent.history());
    }

    /**
     * Finishes an interrupted swap (true), or discards an interrupted preparation, which never
     * touched the home (false).
     */
    public boolean recover() {
        if (Files.exists(state.intent())) {
            run(state.readIntent());
            return true;
        }
        Durable.deleteTree(state.txn());
        state.removeOrphans(state.readHistory());
        return false;
    }

    private static void restoreTree(Path source, Path target) {
        Path temp = target.resolveSibling(target.getFileName() + ".fleet-swap");
        Durable.deleteTree(temp);
        Durable.deleteTree(target);
        Durable.copyTree(source, temp);
        try {
            Durable.move(temp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + target + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("staged file " + file + " is missing: " + e.getMessage(), e);
        }
    }
}
