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
import java.util.Set;

/**
 * Files in the controller's state: directories 0700, secret files 0600, every rewrite atomic
 * (temporary file beside the target, fsync, rename), so a crash leaves the old or the new
 * content, never half of one.
 */
public final class SecureFiles {
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
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + target + ": " + e.getMessage(), e);
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
