package io.apimfleet.controller.pki;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The JSON files of the state directory: read leniently (newer fields are kept out, not fatal), written atomically, 0600.
 * What was read or written last is kept per file and handed out again while the file is unchanged
 * (same inode, size and modification time: every write replaces the file by a rename, so another
 * process's write always shows): enrollment reads the token, issued-certificate and agent files
 * several times per agent, and parsing them again each time made it quadratic in the fleet's size.
 * Every type read here must be immutable (records of copied lists), since readers share one value.
 */
final class StateJson {
    /** A file's identity and version, as far as a rename-on-write file needs one. */
    record Version(Object fileKey, long size, java.nio.file.attribute.FileTime modified) {
        static Version of(Path file) throws IOException {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            return new Version(a.fileKey(), a.size(), a.lastModifiedTime());
        }
    }

    private record Cached(Version version, Class<?> type, Object value) {
    }

    private static final int MAX_CACHED_FILES = 64;
    private static final java.util.Map<Path, Cached> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    static final ObjectMapper FILES = io.apimfleet.protocol.Json.mapper().copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    static final ObjectMapper LINES = io.apimfleet.protocol.Json.mapper().copy()
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private StateJson() {
    }

    static <T> T read(Path file, Class<T> type, Supplier<T> whenAbsent) {
        Path key = file.toAbsolutePath().normalize();
        try {
            Version version = Version.of(key);   // before the content: a change in between is seen at the next read
            Cached cached = CACHE.get(key);
            if (cached != null && cached.type() == type && cached.version().equals(version)) {
                return type.cast(cached.value());
            }
            T value = FILES.readValue(Files.readAllBytes(key), type);
            remember(key, new Cached(version, type, value));
            return value;
        } catch (NoSuchFileException e) {
            CACHE.remove(key);
            return whenAbsent.get();
        } catch (IOException e) {
            throw new ControllerStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, Object value) {
        try {
            byte[] json = FILES.writeValueAsBytes(value);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            Path key = file.toAbsolutePath().normalize();
            CACHE.remove(key);
            SecureFiles.writePrivate(key, withNewline);
            remember(key, new Cached(Version.of(key), value.getClass(), value));
        } catch (IOException e) {
            throw new ControllerStateException("cannot encode " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static void remember(Path file, Cached cached) {
        if (CACHE.size() >= MAX_CACHED_FILES && !CACHE.containsKey(file)) {
            CACHE.clear();
        }
        CACHE.put(file, cached);
    }
}
