package io.apimfleet.bundle.stage;

import io.apimfleet.bundle.BundleException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The staging copy of a home: the real files seen through the writes and deletes a bundle has
 * made so far, held in memory. The home itself is only read.
 */
public final class HomeView {
    /** A pending change of one path. */
    public sealed interface Change permits Write, Delete {
    }

    /** New content for a file; {@code mode} null keeps the existing mode (0644 for a new file). */
    public record Write(byte[] content, Integer mode) implements Change {
    }

    /** Removal of a file or a whole directory tree. */
    public record Delete() implements Change {
    }

    private static final int DEFAULT_MODE = 0644;

    private final Path home;
    private final Map<String, Change> changes = new TreeMap<>();

    public HomeView(Path home) {
        this.home = home;
    }

    public Path home() {
        return home;
    }

    /** The real location of a home-relative path, refused when it would leave the home. */
    public Path resolve(String relative) {
        String normal = HomePath.normalize(relative);
        Path resolved = home.resolve(normal);
        try {
            Path existing = resolved;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing != null && Files.exists(home) && !existing.toRealPath().startsWith(home.toRealPath())) {
                throw new BundleException("path " + relative + " leaves the home through a symbolic link");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return resolved;
    }

    public Optional<byte[]> read(String relative) {
        String path = HomePath.normalize(relative);
        Change change = changes.get(path);
        if (change instanceof Write w) {
            return Optional.of(w.content());
        }
        if (change != null || deletedAbove(path)) {
            return Optional.empty();
        }
        Path real = resolve(path);
        if (!Files.isRegularFile(real)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(real));
        } catch (IOException e) {
            throw new BundleException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public boolean isFile(String relative) {
        return read(relative).isPresent();
    }

    public boolean isDirectory(String relative) {
        String path = HomePath.normalize(relative);
        if (changes.keySet().stream().anyMatch(p -> p.startsWith(path + "/") && changes.get(p) instanceof Write)) {
            return true;
        }
        return !changes.containsKey(path) && !deletedAbove(path) && Files.isDirectory(resolve(path));
    }

    public boolean exists(String relative) {
        return isFile(relative) || isDirectory(relative);
    }

    /** The mode a write keeps when it names none: the current file's, else 0644. */
    public int currentMode(String relative) {
        String path = HomePath.normalize(relative);
        if (changes.get(path) instanceof Write w && w.mode() != null) {
            return w.mode();
        }
        Integer mode = Files.isRegularFile(resolve(path)) ? Durable.mode(resolve(path)) : null;
        return mode == null ? DEFAULT_MODE : mode;
    }

    /** Names directly inside a directory, sorted. */
    public TreeSet<String> list(String relative) {
        String dir = HomePath.normalize(relative);
        TreeSet<String> names = new TreeSet<>();
        Path real = resolve(dir);
        if (!changes.containsKey(dir) && !deletedAbove(dir) && Files.isDirectory(real)) {
            try (Stream<Path> entries = Files.list(real)) {
                entries.map(p -> p.getFileName().toString())
                        .filter(name -> !(changes.get(dir + "/" + name) instanceof Delete))
                        .forEach(names::add);
            } catch (IOException e) {
                throw new BundleException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        changes.forEach((path, change) -> {
            if (change instanceof Write && path.startsWith(dir + "/")) {
                names.add(path.substring(dir.length() + 1).split("/")[0]);
            }
        });
        return names;
    }

    public void write(String relative, byte[] content, Integer mode) {
        String path = HomePath.normalize(relative);
        if (isDirectory(path)) {
            throw new BundleException("cannot write " + path + ": it is a directory");
        }
        changes.put(path, new Write(content, mode != null ? mode : currentMode(path)));
    }

    public void delete(String relative) {
        String path = HomePath.normalize(relative);
        changes.keySet().removeIf(p -> HomePath.isWithin(p, path));
        if (!deletedAbove(path) && Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS)) {
            changes.put(path, new Delete());
        }
    }

    /**
     * What really changes on disk: writes of identical bytes and mode, and deletes of what is
     * not there, drop out. Sorted by path.
     */
    public Map<String, Change> netChanges() {
        Map<String, Change> net = new TreeMap<>();
        changes.forEach((path, change) -> {
            Path real = home.resolve(path);
            if (change instanceof Write w) {
                if (!sameFile(real, w)) {
                    net.put(path, w);
                }
            } else if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
                net.put(path, change);
            }
        });
        return net;
    }

    private static boolean sameFile(Path real, Write w) {
        try {
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Integer mode = Durable.mode(real);
            return Arrays.equals(Files.readAllBytes(real), w.content()) && (mode == null || mode.equals(w.mode()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean deletedAbove(String path) {
        String parent = HomePath.parent(path);
        while (!parent.isEmpty()) {
            if (changes.get(parent) instanceof Delete) {
                return true;
            }
            parent = HomePath.parent(parent);
        }
        return false;
    }
}
