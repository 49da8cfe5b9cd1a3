package io.apimfleet.controller.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A list of keyed entries kept as a snapshot (a JSON file of the state, as {@link StateJson}
 * writes it) plus a side log beside it ({@code <file>.log}: one entry per line, appended and
 * synced). An entry in the log replaces the snapshot's entry with the same key, in place, or comes
 * last when the key is new. Changing one entry appends one line instead of rewriting the whole
 * file, so enrolling the ten-thousandth agent costs what enrolling the first did; when the log
 * outgrows the snapshot ({@link #MIN_COMPACTION} lines at least), the snapshot is rewritten with
 * every entry and the log removed (amortised O(1) per change).
 *
 * <p>Crash safety: a torn last line (a crash mid-append) is ignored; a crash between the
 * compaction's snapshot and the log's removal replays entries the snapshot already has, which
 * changes nothing. Appends and rewrites must run under the state's lock; reads need not. What was
 * read is kept per file and reused while neither file changed (same inode, size and time), so
 * another process's change is always seen.
 *
 * @param <E> an immutable entry (a record)
 * @param <F> the snapshot file's type
 */
final class LoggedList<E, F> {
    static final int MIN_COMPACTION = 1000;

    // list: the entries' immutable copy, null until read after a change
    private record Cached(StateJson.Version snapshot, StateJson.Version log, LinkedHashMap<String, Object> entries,
                          List<Object> list, int logLines) {
    }

    private static final int MAX_CACHED_FILES = 64;
    private static final Map<Path, Cached> CACHE = new ConcurrentHashMap<>();

    private final Path snapshot;
    private final Path log;
    private final Class<F> fileType;
    private final Class<E> entryType;
    private final Function<F, List<E>> entriesOf;
    private final Function<List<E>, F> fileOf;
    private final Function<E, String> key;

    LoggedList(Path snapshot, Class<F> fileType, Class<E> entryType, Function<F, List<E>> entriesOf, Function<List<E>, F> fileOf,
               Function<E, String> key) {
        this.snapshot = snapshot.toAbsolutePath().normalize();
        this.log = this.snapshot.resolveSibling(this.snapshot.getFileName() + ".log");
        this.fileType = fileType;
        this.entryType = entryType;
        this.entriesOf = entriesOf;
        this.fileOf = fileOf;
        this.key = key;
    }

    Path logFile() {
        return log;
    }

    /** What changes whenever an entry is added, replaced or rewritten: both files' versions (null for one absent). */
    List<StateJson.Version> versions() {
        return java.util.Arrays.asList(version(snapshot), version(log));
    }

    /** Every entry, in order: the snapshot's, each replaced by its latest logged version, then the new ones. Immutable. */
    List<E> read() {
        Cached cached = current();
        if (cached.list() != null) {
            return cast(cached.list());
        }
        List<Object> list;
        synchronized (cached.entries()) {   // put changes the map in place; this may run outside the state's lock
            list = List.copyOf(cached.entries().values());
        }
        CACHE.replace(snapshot, cached, new Cached(cached.snapshot(), cached.log(), cached.entries(), list, cached.logLines()));
        return cast(list);
    }

    /** The entry with {@code key}, without copying the list (enrollment looks one up per request). Under the state's lock. */
    java.util.Optional<E> get(String key) {
        @SuppressWarnings("unchecked")
        E entry = (E) current().entries().get(key);
        return java.util.Optional.ofNullable(entry);
    }

    /** Adds or replaces one entry (by key) with one synced line. Under the state's lock. */
    void put(E entry) {
        Cached before = current();
        byte[] line;
        try {
            line = (StateJson.LINES.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ControllerStateException("cannot encode an entry of " + snapshot.getFileName() + ": " + e.getMessage(), e);
        }
        SecureFiles.appendPrivate(log, line);
        LinkedHashMap<String, Object> entries = before.entries();
        synchronized (entries) {
            entries.put(key.apply(entry), entry);
        }
        int lines = before.logLines() + 1;
        if (lines >= Math.max(MIN_COMPACTION, entries.size())) {
            rewrite(cast(List.copyOf(entries.values())));
            return;
        }
        // the list is copied at the next read, not per change: enrolling changes three lists and reads none
        remember(new Cached(before.snapshot(), version(log), entries, null, lines));
    }

    /** Replaces everything with {@code entries}: the snapshot rewritten, the log removed. Under the state's lock. */
    void rewrite(List<E> entries) {
        StateJson.write(snapshot, fileOf.apply(entries));
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new ControllerStateException("cannot remove " + log + ": " + e.getMessage(), e);
        }
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(key.apply(e), e));
        remember(new Cached(version(snapshot), null, map, List.copyOf(map.values()), 0));
    }

    private Cached current() {
        StateJson.Version snapshotVersion = version(snapshot);   // before the contents: a change in between shows at the next read
        StateJson.Version logVersion = version(log);
        Cached cached = CACHE.get(snapshot);
        if (cached != null && java.util.Objects.equals(cached.snapshot(), snapshotVersion) && java.util.Objects.equals(cached.log(), logVersion)) {
            return cached;
        }
        LinkedHashMap<String, Object> entries = new LinkedHashMap<>();
        Supplier<F> absent = () -> fileOf.apply(List.of());
        for (E e : entriesOf.apply(StateJson.read(snapshot, fileType, absent))) {
            entries.put(key.apply(e), e);
        }
        int lines = 0;
        if (logVersion != null) {
            List<String> logged = readLines();
            for (int i = 0; i < logged.size(); i++) {
                String text = logged.get(i);
                if (text.isBlank()) {
                    continue;
                }
                E entry;
                try {
                    entry = StateJson.FILES.readValue(text, entryType);
                } catch (IOException e) {
                    if (i == logged.size() - 1) {
                        break;   // a torn last line: the append it belonged to never completed
                    }
                    throw new ControllerStateException("line " + (i + 1) + " of " + log + " is not an entry: " + e.getMessage(), e);
                }
                entries.put(key.apply(entry), entry);
                lines++;
            }
        }
        Cached fresh = new Cached(snapshotVersion, logVersion, entries, List.copyOf(entries.values()), lines);
        remember(fresh);
        return fresh;
    }

    private List<String> readLines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ControllerStateException("cannot read " + log + ": " + e.getMessage(), e);
        }
    }

    private void remember(Cached cached) {
        if (CACHE.size() >= MAX_CACHED_FILES && !CACHE.containsKey(snapshot)) {
            CACHE.clear();
        }
        CACHE.put(snapshot, cached);
    }

    private static StateJson.Version version(Path file) {
        try {
            return StateJson.Version.of(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ControllerStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(List<?> list) {
        return (List<T>) list;
    }
}
