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
 * Clustered, the leader's store also shares every spec and record it writes through its
 * {@link Publisher} (after the local write), and a follower's store writes what the leader shared
 * through {@link #saveShared}: one format, one place, on every controller.
 * Blocking: call it on the state worker.
 */
final class RolloutStore {
    private static final Logger LOG = Logger.getLogger(RolloutStore.class.getName());

    /** Where a written spec or record goes next (blocking, on the state worker); a lone controller's goes nowhere. */
    interface Publisher {
        Publisher NONE = new Publisher() {
            @Override
            public void spec(long id, String yaml) {
            }

            @Override
            public void record(long id, String json) {
            }
        };

        void spec(long id, String yaml);

        void record(long id, String json);
    }

    private final Path dir;
    private volatile Publisher publisher = Publisher.NONE;

    RolloutStore(ControllerState state) {
        this.dir = state.dir().resolve("rollouts");
    }

    void publishTo(Publisher publisher) {
        this.publisher = publisher;
    }

    long nextId() {
        return ids().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    }

    void saveSpec(long id, String yaml) {
        writeSpec(id, yaml);
        publisher.spec(id, yaml);
    }

    private void writeSpec(long id, String yaml) {
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
        byte[] json = write(record);
        publisher.record(record.id(), new String(json, StandardCharsets.UTF_8));
    }

    /**
     * Writes what the leader shared of rollout {@code id}: its spec when given and not stored
     * as it is, then its record (refused unless it reads as one, for that id). Shares nothing.
     */
    void saveShared(long id, String yaml, String json) {
        RolloutRecord record;
        try {
            record = Json.mapper().readValue(json, RolloutRecord.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("the shared record of rollout " + id + " is unreadable: " + e.getMessage(), e);
        }
        if (record.id() != id) {
            throw new IllegalArgumentException("the shared record under rollout " + id + " is rollout " + record.id() + "'s");
        }
        if (yaml != null && !spec(id).map(yaml::equals).orElse(false)) {
            writeSpec(id, yaml);
        }
        write(record);
    }

    private byte[] write(RolloutRecord record) {
        try {
            byte[] json = Json.mapper().writeValueAsBytes(record);
            SecureFiles.writePrivate(dir.resolve(name(record.id()) + ".json"), json);
            return json;
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
