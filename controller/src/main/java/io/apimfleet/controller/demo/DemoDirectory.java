package io.apimfleet.controller.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo's folder: a fresh temporary one, or {@code --dir DIR} when it is new, empty or a
 * previous demo's (marked by {@value #MARKER}, which a running demo holds locked). A previous
 * demo's folder is emptied first, after stopping whatever that demo left running (a demo that was
 * killed outright could not stop its processes). {@link #close} releases it and removes a temporary one.
 */
public final class DemoDirectory implements AutoCloseable {
    /** The file that marks a demo's folder; it holds the running demo's pid, under a lock. */
    public static final String MARKER = ".fleet-demo";

    private final Path path;
    private final boolean temporary;
    private final FileChannel marker;
    private final FileLock lock;
    private final List<ProcessHandle> stoppedLeftovers;
    private boolean keep;

    private DemoDirectory(Path path, boolean temporary, FileChannel marker, FileLock lock, List<ProcessHandle> stoppedLeftovers) {
        this.path = path;
        this.temporary = temporary;
        this.marker = marker;
        this.lock = lock;
        this.stoppedLeftovers = stoppedLeftovers;
    }

    /** {@code given} (null: a new temporary folder), ready for a demo; a DemoException saying why not. */
    public static DemoDirectory open(Path given) {
        try {
            Path path = given == null ? Files.createTempDirectory("apim-fleet-demo-") : Files.createDirectories(given);
            path = path.toRealPath();
            if (!path.toString().matches("[\\w./+@:,=-]+")) {
                throw new DemoException(path + ": the demo's folder must be a plain path (letters, digits, . _ - / + @ : , =): it goes into"
                        + " command lines and the cluster spec as it is");
            }
            boolean previous = Files.exists(path.resolve(MARKER));
            if (!previous && !isEmpty(path)) {
                throw new DemoException(path + " is not empty and is not a previous fleet demo's folder (it has no " + MARKER
                        + "); give a new or empty folder, or leave --dir out for a temporary one");
            }
            FileChannel marker = FileChannel.open(path.resolve(MARKER), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(marker);
            if (lock == null) {
                String holder = Files.readString(path.resolve(MARKER)).strip();
                marker.close();
                throw new DemoException("another fleet demo is running in " + path + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; stop it with Ctrl-C, or give another folder");
            }
            marker.truncate(0).write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            List<ProcessHandle> leftovers = previous ? stopLeftovers(path) : List.of();
            if (previous) {
                emptyBut(path, path.resolve(MARKER));
            }
            return new DemoDirectory(path, given == null, marker, lock, leftovers);
        } catch (IOException e) {
            throw new DemoException("cannot prepare the demo's folder " + (given == null ? "in " + System.getProperty("java.io.tmpdir") : given)
                    + ": " + e.getMessage());
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String relative) {
        return path.resolve(relative);
    }

    public boolean temporary() {
        return temporary;
    }

    /** The processes a previous demo in this folder had left running, which {@link #open} stopped. */
    public List<ProcessHandle> stoppedLeftovers() {
        return stoppedLeftovers;
    }

    /** Keeps a temporary folder at {@link #close} (--keep, or a failure whose logs the user needs). */
    public void keep() {
        keep = true;
    }

    /** True when {@link #close} leaves the folder in place. */
    public boolean kept() {
        return keep || !temporary;
    }

    /** Releases the folder; removes it when it is temporary and not kept. Call only once its processes have ended. */
    @Override
    public void close() {
        try {
            lock.release();
            marker.close();
            if (!kept()) {
                delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The demo's own processes that name {@code folder} (excluding this JVM and its ancestors): the
     * distribution's JVMs, the agents' product wrappers and HAProxy.
     */
    public static List<ProcessHandle> processesOf(Path folder) {
        String named = folder + "/";
        Set<Long> mine = new HashSet<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
            mine.add(p.get().pid());
        }
        return ProcessHandle.allProcesses().filter(p -> !mine.contains(p.pid())).filter(p -> {
            String line = DemoProcesses.commandLine(p.pid());
            return line.contains(named) && (line.contains("io.apimfleet.") || line.contains("/product/run.sh") || line.contains("haproxy"));
        }).toList();
    }

    private static List<ProcessHandle> stopLeftovers(Path path) {
        List<ProcessHandle> leftovers = processesOf(path);
        leftovers.forEach(ProcessHandle::destroyForcibly);
        leftovers.forEach(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join());
        return leftovers;
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void emptyBut(Path dir, Path kept) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.filter(e -> !e.equals(kept)).toList()) {
                delete(entry);
            }
        }
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
