package io.apimfleet.bundle.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that survive a crash: written, fsynced, renamed into place, directory fsynced. */
public final class Durable {
    private Durable() {
    }

    /** Writes {@code content} to {@code target} atomically, through a sibling temporary file. */
    public static void write(Path target, byte[] content, Integer mode) {
        Path temp = target.resolveSibling(target.getFileName() + ".fleet-swap");
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            if (mode != null) {
                setMode(temp, mode);
            }
            inheritOwner(temp, Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? target : target.getParent());
            move(temp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renames atomically and makes the rename durable. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(to.getParent());
    }

    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignoredWhereUnsupported) {
            // Some file systems refuse to open directories; the rename is still atomic there.
        }
    }

    /** Deletes a file or a whole tree; absent is fine. */
    public static void deleteTree(Path path) {
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.walkFileTree(path, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                        Files.delete(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } else {
                Files.delete(path);
            }
            syncDirectory(path.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    /** Copies a file or a tree, keeping modes, fsyncing every file. */
    public static void copyTree(Path from, Path to) {
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path target = to.resolve(from.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    write(target, Files.readAllBytes(file), mode(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** POSIX mode bits of a file, or null where the file system has none. */
    public static Integer mode(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            int mode = 0;
            for (PosixFilePermission p : perms) {
                mode |= 1 << (8 - p.ordinal());
            }
            return mode;
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }

    public static void setMode(Path file, int mode) throws IOException {
        StringBuilder rwx = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            rwx.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(rwx.toString()));
        } catch (UnsupportedOperationException ignoredWhereUnsupported) {
            // Non-POSIX file systems keep their default permissions.
        }
    }

    /** Gives a new file the owner of what it replaces (or of its directory): an agent running as root must not leave root-owned product files. */
    private static void inheritOwner(Path file, Path from) {
        try {
            PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
            PosixFileAttributeView target = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (source == null || target == null) {
                return;
            }
            var attrs = source.readAttributes();
            var mine = target.readAttributes();
            if (!attrs.owner().equals(mine.owner())) {
                target.setOwner(attrs.owner());
            }
            if (!attrs.group().equals(mine.group())) {
                target.setGroup(attrs.group());
            }
        } catch (IOException | SecurityException notPermitted) {
            // Only root may give files away; an unprivileged agent owns what it writes anyway.
        }
    }

    /** Parses "0644"/"644" to mode bits. */
    public static int parseMode(String octal) {
        if (octal == null || !octal.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("mode " + octal + " is not an octal mode such as 0644");
        }
        return Integer.parseInt(octal, 8);
    }
}
