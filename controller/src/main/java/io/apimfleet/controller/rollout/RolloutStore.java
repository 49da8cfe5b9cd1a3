package io.apimfleet.controller.rollout;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.SecureFiles;
import io.apimfleet.protocol.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The applied spec revisions and their rollouts, under the state directory:
 * <pre>
 *   rollouts/000042.yaml   the spec as it was sent (it holds secret references, never values)
 *   rollouts/000042.json   the rollout's record, rewritten atomically at every step
 * </pre>
 * Blocking: call it on the state worker.
 */
final class RolloutStore {
    private static final Logger LOG = Logger.getLogger(RolloutStore.class.getName());
    private final Path dir;

    RolloutStore(ControllerState state) {
        this.dir = state.dir().resolve("rollouts");
    }

    long nextId() {
        return ids().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    }

    void saveSpec(long id, String yaml) {
        SecureFiles.write(dir.resolve(name(id) + ".yaml"), yaml.getBytes(StandardCharsets.UTF_8), SecureFiles.PRIVATE);
    }

    Optional<String> spec(long id) {
        Path file = dir.resolve(name(id) + ".yaml");
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void save(RolloutRecord record) {
        try {
            SecureFiles.writePrivate(dir.resolve(name(record.id()) + ".json"), Json.mapper().writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every readable record, oldest first (an unreadable one is logged and left out). */
    List<RolloutRecord> all() {
        List<RolloutRecord> records = new ArrayList<>();
        for (long id : ids()) {
            Path file = dir.resolve(name(id) + ".json");
            if (!Files.exists(file)) {
                continue;
            }
            try {
                records.add(Json.mapper().readValue(file.toFile(), RolloutRecord.class));
            } catch (IOException e) {
                LOG.warning("rollout record " + file + " is unreadable and left out: " + e.getMessage());
            }
        }
        return records;
    }

    private List<Long> ids() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("\\d{6,}\\.(json|yaml)"))
                    .map(n -> Long.parseLong(n.substring(0, n.indexOf('.'))))
                    .distinct().sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(long id) {
        return String.format("%06d", id);
    }
}
