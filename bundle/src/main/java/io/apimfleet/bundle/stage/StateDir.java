package io.apimfleet.bundle.stage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.apimfleet.bundle.BundleException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The applier's state directory, outside the home:
 * <pre>
 *   history.json          applied revisions, oldest first (the last is current)
 *   bundles/SEQ.json      each applied bundle, secrets still as references
 *   backups/SEQ/PATH      what each revision replaced or deleted
 *   txn/intent.json       the swap in flight; its presence means "finish me"
 *   txn/staged/PATH       new contents waiting to be swapped in
 *   lock                  held by whoever applies
 * </pre>
 */
public final class StateDir {
    static final ObjectMapper MAPPER = io.apimfleet.protocol.Json.mapper().copy()
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    public StateDir(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path history() {
        return root.resolve("history.json");
    }

    public Path bundle(long seq) {
        return root.resolve("bundles").resolve(seq + ".json");
    }

    public Path backups(long seq) {
        return root.resolve("backups").resolve(Long.toString(seq));
    }

    public Path txn() {
        return root.resolve("txn");
    }

    public Path intent() {
        return txn().resolve("intent.json");
    }

    public Path staged() {
        return txn().resolve("staged");
    }

    /** Takes the state directory's lock, refusing when another applier holds it. */
    public AutoCloseable lock() {
        try {
            Files.createDirectories(root);
            FileChannel channel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new BundleException("state directory " + root + " is in use by another apply or rollback");
            }
            FileLock held = lock;
            return () -> {
                held.release();
                channel.close();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock state directory " + root + ": " + e.getMessage(), e);
        }
    }

    public List<AppliedRevision> readHistory() {
        if (!Files.exists(history())) {
            return List.of();
        }
        try {
            return MAPPER.readValue(history().toFile(), new TypeReference<List<AppliedRevision>>() { });
        } catch (IOException e) {
            throw new BundleException("state file " + history() + " is unreadable: " + e.getMessage(), e);
        }
    }

    public void writeJson(Path target, Object value) {
        try {
            Durable.write(target, MAPPER.writeValueAsBytes(value), 0600);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Intent readIntent() {
        try {
            return MAPPER.readValue(intent().toFile(), Intent.class);
        } catch (IOException e) {
            throw new BundleException("journal " + intent() + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Removes backups and bundles of revisions no longer in the history (left by a crash). */
    public void removeOrphans(List<AppliedRevision> history) {
        Set<String> live = new HashSet<>();
        history.forEach(r -> live.add(Long.toString(r.seq())));
        for (Path dir : List.of(root.resolve("backups"), root.resolve("bundles"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path entry : new ArrayList<>(entries.toList())) {
                    String seq = entry.getFileName().toString().replace(".json", "");
                    if (!live.contains(seq)) {
                        Durable.deleteTree(entry);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
