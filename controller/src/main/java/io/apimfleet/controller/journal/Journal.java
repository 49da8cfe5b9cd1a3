package io.apimfleet.controller.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The controller's journal ({@code <state>/journal/events.ndjson}, written only through
 * {@link ControllerState#record}) seen as numbered {@link FleetEvent}s: entry N is line N
 * (1-based), so a reader resumes after the last index it saw. The file is followed by offset:
 * entries recorded through {@link #record} appear at once, entries written by another process
 * (a {@code fleet token create} next to the daemon) within one poll interval. Only complete
 * lines count. Memory: one offset (8 bytes) per entry; events are read back from the file.
 *
 * <p>File work runs on the {@link StateWorker}; listeners are called on the context that started
 * the journal.
 */
public final class Journal {
    private static final Logger LOG = Logger.getLogger(Journal.class.getName());
    /** Where {@link ControllerState#record} appends (documented in docs/control-plane-trust.md). */
    public static final String FILE = "journal/events.ndjson";
    private static final ObjectMapper MAPPER = Json.mapper();

    private final ControllerState state;
    private final Path file;
    private final StateWorker worker;
    private final AtomicLong size = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    // touched only on the worker thread
    private long[] offsets = new long[1024];
    private int count;
    private long scanned;
    private long lineStart;

    private Vertx vertx;
    private long timer = -1;
    private boolean polling;

    public Journal(ControllerState state, StateWorker worker) {
        this.state = state;
        this.file = state.dir().resolve(FILE);
        this.worker = worker;
    }

    /** Indexes what the file holds, then polls it every {@code interval}. Call on the owning context. */
    public Future<Void> start(Vertx vertx, Duration interval) {
        this.vertx = vertx;
        return worker.call(() -> {
            scan();
            return null;
        }).<Void>mapEmpty().onSuccess(v -> timer = vertx.setPeriodic(Math.max(50, interval.toMillis()), id -> poll()));
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** How many entries the journal holds (the index of the last one). */
    public long size() {
        return size.get();
    }

    /** Appends one event (never a secret: {@link ControllerState#record} redacts token- and key-shaped strings too). */
    public Future<Void> record(String type, Map<String, Object> fields) {
        return worker.call(() -> {
            state.record(type, fields);
            return scan();
        }).map(grew -> {
            if (grew) {
                notifyListeners();
            }
            return null;
        });
    }

    /**
     * Appends entries other controllers of the cluster journaled, in order, each with its own
     * time, type and fields (which name the controller it came from).
     */
    public Future<Void> recordAll(List<FleetEvent> events) {
        if (events.isEmpty()) {
            return Future.succeededFuture();
        }
        return worker.call(() -> {
            for (FleetEvent event : events) {
                state.record(event.time() == null ? Instant.now() : event.time(), event.type(), event.fields());
            }
            return scan();
        }).map(grew -> {
            if (grew) {
                notifyListeners();
            }
            return null;
        });
    }

    /**
     * Entries {@code since + 1} to {@code through} (at most {@code max} indexes, oldest first; an
     * unreadable line keeps its index and is left out).
     */
    public record Page(List<FleetEvent> events, long through) {
        public Page {
            events = List.copyOf(events);
        }
    }

    /** The entries after {@code since}, at most {@code max} of them. */
    public Future<Page> read(long since, int max) {
        return worker.call(() -> readEntries(since, max));
    }

    /** Called (on the owning context) whenever entries were added. */
    public void subscribe(Runnable listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Runnable listener) {
        listeners.remove(listener);
    }

    private void poll() {
        if (polling) {
            return;
        }
        polling = true;
        worker.call(this::scan).onComplete(result -> {
            polling = false;
            if (result.succeeded() && result.result()) {
                notifyListeners();
            } else if (result.failed()) {
                LOG.log(Level.WARNING, "cannot read the journal " + file + ": " + result.cause().getMessage());
            }
        });
    }

    private void notifyListeners() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "journal listener failed", e);
            }
        }
    }

    // ------------------------------------------------------------------ on the worker thread

    /** Indexes the lines completed since the last scan; true when there are new ones. */
    private boolean scan() throws IOException {
        int before = count;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = channel.size();
            if (end < scanned) {
                // the journal is append-only; a shorter file was replaced: index it again
                LOG.warning("the journal " + file + " shrank; indexing it again");
                count = 0;
                scanned = 0;
                lineStart = 0;
                before = 0;
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long position = scanned;
            while (position < end) {
                buffer.clear();
                int read = channel.read(buffer, position);
                if (read <= 0) {
                    break;
                }
                for (int i = 0; i < read; i++) {
                    if (buffer.get(i) == '\n') {
                        addOffset(lineStart);
                        lineStart = position + i + 1;
                    }
                }
                position += read;
            }
            scanned = position;
        } catch (NoSuchFileException e) {
            return false;
        }
        size.set(count);
        return count > before;
    }

    private void addOffset(long offset) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[count++] = offset;
    }

    private Page readEntries(long since, int max) throws IOException {
        if (since < 0 || since >= count || max <= 0) {
            return new Page(List.of(), Math.max(0, since));
        }
        int first = (int) since;
        int last = (int) Math.min(count, since + max);   // exclusive
        long start = offsets[first];
        long end = last < count ? offsets[last] : lineStart;
        byte[] bytes = new byte[(int) (end - start)];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long position = start;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    break;
                }
                position += read;
            }
        }
        List<FleetEvent> events = new ArrayList<>(last - first);
        int at = 0;
        for (int i = first; i < last; i++) {
            int lineEnd = (int) ((i + 1 < count ? offsets[i + 1] : lineStart) - start) - 1;
            String line = new String(bytes, at, Math.max(0, lineEnd - at), StandardCharsets.UTF_8);
            at = lineEnd + 1;
            FleetEvent event = parse(i + 1, line);
            if (event != null) {
                events.add(event);
            }
        }
        return new Page(events, last);
    }

    /** One journal line as a FleetEvent; null for a blank or unreadable line (its index stays taken). */
    static FleetEvent parse(long index, String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(line);
            JsonNode time = node.get("time");
            JsonNode fieldsNode = node.get("fields");
            Map<String, Object> fields = new LinkedHashMap<>();
            if (fieldsNode != null && fieldsNode.isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> all = MAPPER.convertValue(fieldsNode, Map.class);
                all.forEach((k, v) -> {
                    if (v != null) {
                        fields.put(k, v);
                    }
                });
            }
            Object node1 = fields.get("node");
            return new FleetEvent(index, time == null ? null : Instant.parse(time.asText()), node.path("type").asText(null),
                    node1 instanceof String name ? name : null, fields);
        } catch (IOException | RuntimeException e) {
            LOG.fine("journal line " + index + " is unreadable: " + e.getMessage());
            return null;
        }
    }
}
