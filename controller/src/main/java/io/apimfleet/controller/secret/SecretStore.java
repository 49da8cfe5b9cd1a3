package io.apimfleet.controller.secret;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.SecretRef;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code secrets/store.sealed}: every secret's value and when it was set, sealed as one file with
 * the state's master key and rewritten atomically. Blocking: call it on the state worker. Each
 * change is journaled by name, never by value.
 */
public final class SecretStore {
    /** One secret as listings show it: its name and when it was set, never its value. */
    public record Entry(String name, Instant updatedAt) {
    }

    /** A secret, or its removal ({@code value} null), as of {@code updatedAt}. */
    private record Stored(String value, Instant updatedAt) {
    }

    /** One entry as controllers share it: when it was set or removed, and its value sealed (base64; null for a removal). */
    private record Sealed(Instant updatedAt, String sealed) {
    }

    static final String FILE = "secrets/store.sealed";
    /** The fewest characters a secret's value may have (see {@link #checkValue}). */
    public static final int MIN_LENGTH = 8;
    private static final TypeReference<TreeMap<String, Stored>> SHAPE = new TypeReference<>() {
    };

    private final ControllerState state;
    private final Path file;

    public SecretStore(ControllerState state) {
        this.state = state;
        this.file = state.dir().resolve(FILE);
    }

    public void put(String name, String value, Instant now) {
        checkName(name);
        checkValue(name, value);
        state.locked(() -> {
            TreeMap<String, Stored> all = read();
            all.put(name, new Stored(value, now));
            write(all);
            return null;
        });
        state.record("secret.set", Map.of("name", name));
    }

    /** Stores several at once (as {@code fleet apply --secrets FILE} does): all or none. */
    public void putAll(Map<String, String> values, Instant now) {
        values.forEach((name, value) -> {
            checkName(name);
            checkValue(name, value);
        });
        if (values.isEmpty()) {
            return;
        }
        state.locked(() -> {
            TreeMap<String, Stored> all = read();
            values.forEach((name, value) -> all.put(name, new Stored(value, now)));
            write(all);
            return null;
        });
        state.record("secret.set", Map.of("names", List.copyOf(new TreeMap<>(values).keySet())));
    }

    /**
     * Removes secret {@code name}: what remains is a removal marker (the name and when, no value),
     * so that the removal reaches the other controllers of a cluster and outlives a full restart.
     *
     * @return whether there was such a secret
     */
    public boolean remove(String name) {
        checkName(name);
        boolean removed = state.locked(() -> {
            TreeMap<String, Stored> all = read();
            Stored had = all.get(name);
            if (had != null && had.value() != null) {
                all.put(name, new Stored(null, Instant.now()));
                write(all);
                return true;
            }
            return false;
        });
        if (removed) {
            state.record("secret.removed", Map.of("name", name));
        }
        return removed;
    }

    public List<Entry> list() {
        return read().entrySet().stream().filter(e -> e.getValue().value() != null)
                .map(e -> new Entry(e.getKey(), e.getValue().updatedAt())).toList();
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(read().get(name)).map(Stored::value);
    }

    /** The values of {@code names}; the ones the store lacks are left out (the caller names them). */
    public Map<String, String> values(Set<String> names) {
        Map<String, Stored> all = read();
        Map<String, String> found = new LinkedHashMap<>();
        names.forEach(n -> Optional.ofNullable(all.get(n)).map(Stored::value).ifPresent(v -> found.put(n, v)));
        return found;
    }

    // ------------------------------------------------------------------ shared between clustered controllers, sealed

    /** Changes whenever the store's file does (here or by another process). */
    public Object version() {
        try {
            var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            return List.of(String.valueOf(attributes.fileKey()), attributes.size(), attributes.lastModifiedTime());
        } catch (java.nio.file.NoSuchFileException e) {
            return "absent";
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Every entry (removals too) by name, as clustered controllers share them: when it was set
     * and its value sealed with the master key (AES-256-GCM, a fresh nonce each time): never a
     * clear value.
     */
    public Map<String, String> sealedEntries() {
        Map<String, String> sealed = new TreeMap<>();
        read().forEach((name, stored) -> sealed.put(name, json(new Sealed(stored.updatedAt(), stored.value() == null ? null
                : java.util.Base64.getEncoder().encodeToString(state.secrets().seal(stored.value().getBytes(StandardCharsets.UTF_8)))))));
        return sealed;
    }

    /**
     * Writes the sealed entries of another controller that are newer than this store's (by the
     * time each was set or removed); an entry that does not open under this state's master key is
     * left out. Journals nothing (the journal is shared on its own).
     *
     * @return how many entries changed here
     */
    public int mergeSealed(Map<String, String> entries) {
        return state.locked(() -> {
            TreeMap<String, Stored> all = read();
            int changed = 0;
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                Stored remote = opened(entry.getValue());
                Stored local = all.get(entry.getKey());
                if (remote != null && entry.getKey().matches(SecretRef.NAME_PATTERN) && (local == null || remote.updatedAt().isAfter(local.updatedAt()))) {
                    all.put(entry.getKey(), remote);
                    changed++;
                }
            }
            if (changed > 0) {
                write(all);
            }
            return changed;
        });
    }

    /** Of two sealed versions of one entry, the one set or removed last (on a tie, the larger text, so the order never matters). */
    public static String joinSealed(String a, String b) {
        int order = parsed(a).updatedAt().compareTo(parsed(b).updatedAt());
        return order > 0 ? a : order < 0 ? b : a.compareTo(b) >= 0 ? a : b;
    }

    private Stored opened(String json) {
        try {
            Sealed sealed = parsed(json);
            String value = sealed.sealed() == null ? null
                    : new String(state.secrets().open(java.util.Base64.getDecoder().decode(sealed.sealed())), StandardCharsets.UTF_8);
            return sealed.updatedAt() == null ? null : new Stored(value, sealed.updatedAt());
        } catch (RuntimeException e) {
            return null;   // not ours (another master key) or damaged: its text stays out of every message
        }
    }

    private static Sealed parsed(String json) {
        try {
            return Json.mapper().readValue(json, Sealed.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("a shared secret entry is unreadable");
        }
    }

    private static String json(Sealed sealed) {
        try {
            return Json.mapper().writeValueAsString(sealed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a sealed secret entry");
        }
    }

    /**
     * Refuses a value that is empty or shorter than {@link #MIN_LENGTH} characters, naming the
     * secret, never its value. Diffs show a secret as {@code (secret)} wherever its text stands as a
     * whole value, so a short one ({@code 1}, {@code true}, {@code admin}) would also mask, and so
     * give away, the same text in settings that are not secret. The CLI checks before it sends;
     * the store checks again.
     */
    public static void checkValue(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("the value of secret " + name + " is empty");
        }
        if (value.codePointCount(0, value.length()) < MIN_LENGTH) {
            throw new IllegalArgumentException("the value of secret " + name + " is shorter than " + MIN_LENGTH
                    + " characters; use a longer one (a short value could match other settings, and diffs would then give it away)");
        }
    }

    private static void checkName(String name) {
        if (name == null || !name.matches(SecretRef.NAME_PATTERN)) {
            throw new IllegalArgumentException("'" + name + "' is not a secret name (letters, digits, '.', '_', '-'; a letter or digit first)");
        }
    }

    private TreeMap<String, Stored> read() {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return Json.mapper().readValue(state.secrets().readSealed(file), SHAPE);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the secret store " + file + " is unreadable: " + e.getMessage());
        }
    }

    private void write(TreeMap<String, Stored> all) {
        try {
            state.secrets().writeSealed(file, Json.mapper().writeValueAsString(all).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the secret store", e);
        }
    }
}
