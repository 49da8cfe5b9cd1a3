package io.apimfleet.controller.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Files in the controller's state: directories 0700, secret files 0600, every rewrite atomic
 * (temporary file beside the target, fsync, rename), so a crash leaves the old or the new
 * content, never half of one. Appends are synced before they return, or, inside
 * {@link #syncedOnce}, once per file when it ends (group commit).
 */
public final class SecureFiles {
    // per thread, the files appended to inside syncedOnce and not synced yet; unset outside
    private static final ThreadLocal<Set<Path>> UNSYNCED = new ThreadLocal<>();

    /** rwx------ */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** rw------- : private keys, secrets, and (the directory being private anyway) every state file. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    /** rw-r--r-- : certificates written outside the state directory. */
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {
    }

    /** Creates {@code dir} and any missing parents inside it as 0700; an existing directory is left as it is. */
    public static Path createDirectories(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return dir;
            }
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } catch (FileAlreadyExistsException raced) {
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
            }
            Files.setPosixFilePermissions(dir, DIRECTORY);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code target} atomically with {@code content}, mode 0600. */
    public static void writePrivate(Path target, byte[] content) {
        write(target, content, PRIVATE);
    }

    /** Replaces {@code target} atomically with {@code content} and the given mode. */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) {
        Path dir = target.toAbsolutePath().getParent();
        createDirectories(dir);
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes(PRIVATE));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, mode);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temporary file is only litter
                }
            }
        }
    }

    /** Appends {@code content} to {@code target} (created 0600 if absent) and syncs it. */
    public static void appendPrivate(Path target, byte[] content) {
        createDirectories(target.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(target,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), attributes(PRIVATE))) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            Set<Path> unsynced = UNSYNCED.get();
            if (unsynced == null) {
                channel.force(false);
            } else {
                unsynced.add(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} with the syncs of its appends on this thread deferred: each file appended to
     * is synced once, in the order first appended, before this returns (also when {@code work}
     * fails). Many appends then cost one {@code fsync} per file; what {@code work} wrote may only be
     * acknowledged after this returns. A call inside another joins it (synced when the outer ends).
     */
    public static <T> T syncedOnce(Supplier<T> work) {
        if (UNSYNCED.get() != null) {
            return work.get();
        }
        Set<Path> unsynced = new LinkedHashSet<>();
        UNSYNCED.set(unsynced);
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            UNSYNCED.remove();
            try {
                unsynced.forEach(SecureFiles::sync);
            } catch (UncheckedIOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        UNSYNCED.remove();
        unsynced.forEach(SecureFiles::sync);
        return result;
    }

    private static void sync(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(false);
        } catch (java.nio.file.NoSuchFileException e) {
            // removed since (a side log folded into its snapshot, which was synced when written)
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + file + ": " + e.getMessage(), e);
        }
    }

    static FileAttribute<Set<PosixFilePermission>> attributes(Set<PosixFilePermission> mode) {
        return PosixFilePermissions.asFileAttribute(mode);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system lets a directory be synced; the rename is still atomic
        }
    }
}
