package io.apimfleet.agent.supervise;

import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs and watches the product of a bundle's {@link ProcessSpec}, product-agnostic.
 *
 * <p>The command runs through {@code setsid} and a small POSIX sh wrapper written to
 * {@code STATE/product/run.sh}, so it lives in a session (and process group) of its own: stopping,
 * killing or upgrading the agent never stops it. The wrapper runs the command in the foreground in
 * the home with the bundle's environment added, appends its stdout and stderr to
 * {@code STATE/product/product.log}, and writes its exit code to {@code STATE/product/exit-code}
 * when it ends.
 *
 * <p>The pid recorded in {@code STATE/product/pid} (0600) is the <em>wrapper's</em>: {@code setsid}
 * execs it in place (a JVM child is never a process-group leader, so {@code setsid} does not fork),
 * so it is the process the JVM started, the session leader and the process-group id that signals go
 * to, and it lives exactly as long as the product (plus writing the exit code). Its start time from
 * {@code /proc/PID/stat} is kept in {@code STATE/product/start-time}: at agent start a pid whose
 * process is alive <em>with the same start time</em> is adopted, never restarted; a reused pid is not.
 *
 * <p>Blocking methods ({@link #start}, {@link #stop}, {@link #restart}, {@link #logs}) run on a worker;
 * the watch timer runs on the Vert.x event loop and only reads {@code /proc/PID/stat} (in memory),
 * handing the exit work (reading the exit code and log) to a worker. Events never carry the
 * environment, which may hold secrets.
 */
public final class ProductSupervisor {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    public static final int MAX_LOG_LINES = 1000;
    static final int EXIT_LINES = 20;

    /** The product's state, as {@code Facts.productState} reports it. */
    public enum State {
        RUNNING, STOPPED, EXITED, UNKNOWN;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One run of the product: the wrapper's pid and start time (clock ticks since boot). */
    private static final class Run {
        final long pid;
        final long startTime;
        final AtomicBoolean ended = new AtomicBoolean();
        volatile boolean stopRequested;

        Run(long pid, long startTime) {
            this.pid = pid;
            this.startTime = startTime;
        }
    }

    private final Vertx vertx;
    private final Path dir;
    private final BiConsumer<String, Map<String, Object>> events;
    private final Consumer<String> log;
    private final Object lock = new Object();
    private volatile Run current;
    private volatile State state = State.UNKNOWN;
    private volatile Integer lastExitCode;
    private volatile long watchTimer = -1;

    /**
     * @param stateDir the agent's state directory; supervision files go to {@code stateDir/product}
     * @param events   receives {@code (type, fields)} of product events (sent to the controller)
     */
    public ProductSupervisor(Vertx vertx, Path stateDir, BiConsumer<String, Map<String, Object>> events, Consumer<String> log) {
        this.vertx = vertx;
        this.dir = stateDir.toAbsolutePath().normalize().resolve("product");
        this.events = events;
        this.log = log;
    }

    /**
     * Adopts the product of the pid file when it still runs (same start time), then starts the
     * one-second watch. Blocking (a few small reads): call it at agent start.
     */
    public void adoptAndWatch() {
        adopt();
        if (watchTimer < 0) {
            watchTimer = vertx.setPeriodic(1000, id -> tick());
        }
    }

    /** Cancels the watch; the product keeps running. */
    public void close() {
        long timer = watchTimer;
        watchTimer = -1;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public State state() {
        return state;
    }

    /** The pid of the running product (the wrapper's, see the class comment), if any. */
    public Optional<Long> pid() {
        Run r = current;
        return r == null || state != State.RUNNING ? Optional.empty() : Optional.of(r.pid);
    }

    public Path directory() {
        return dir;
    }

    public Path logFile() {
        return dir.resolve("product.log");
    }

    void adopt() {
        Path pidFile = dir.resolve("pid");
        Path startFile = dir.resolve("start-time");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            long recorded = Long.parseLong(Files.readString(startFile).strip());
            Optional<long[]> stat = stat(pid);
            if (stat.isPresent() && stat.get()[1] == recorded) {
                current = new Run(pid, recorded);
                state = State.RUNNING;
                log.accept("product: adopted the running product (pid " + pid + ")");
            } else {
                Run gone = new Run(pid, recorded);
                current = gone;
                log.accept("product: the product recorded as pid " + pid + " is no longer running");
                finish(gone);
            }
        } catch (IOException | RuntimeException e) {
            log.accept("product: cannot read the recorded pid: " + e.getMessage() + "; product state unknown");
        }
    }

    /**
     * Starts the product. Blocking.
     *
     * @throws IllegalStateException when it already runs or cannot be started
     */
    public long start(ProcessSpec spec, Path home) {
        synchronized (lock) {
            if (state == State.RUNNING) {
                throw new IllegalStateException("the product is already running (pid " + current.pid + ")");
            }
            if (spec == null || spec.command().isEmpty()) {
                throw new IllegalStateException("no command to start the product with");
            }
            if (home == null || !Files.isDirectory(home)) {
                throw new IllegalStateException("the product home " + home + " does not exist");
            }
            try {
                Files.createDirectories(dir);
                Path wrapper = dir.resolve("run.sh");
                writePrivate(wrapper, WRAPPER, "rwx------");
                Files.deleteIfExists(dir.resolve("exit-code"));
                List<String> command = new ArrayList<>(List.of("setsid", "sh", wrapper.toString(), dir.toString()));
                command.addAll(spec.command());
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(home.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                builder.environment().putAll(spec.environment());
                Process process = builder.start();
                long pid = process.pid();
                // setsid calls setsid(2) just after its exec: wait (briefly) until the new session shows
                long[] stat = stat(pid).orElse(null);
                long sessionDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (stat != null && stat[0] != pid && System.nanoTime() < sessionDeadline) {
                    Thread.sleep(5);
                    stat = stat(pid).orElse(null);
                }
                if (stat == null) {
                    // gone already (a command that fails at once): the wrapper has written its exit code
                    process.waitFor(5, TimeUnit.SECONDS);
                    stat = new long[] {pid, 0};
                } else if (stat[0] != pid) {
                    process.destroyForcibly();
                    throw new IllegalStateException("setsid did not make the product a session leader (session "
                            + stat[0] + ", pid " + pid + ")");
                }
                writePrivate(dir.resolve("start-time"), Long.toString(stat[1]) + "\n", "rw-------");
                writePrivate(dir.resolve("pid"), pid + "\n", "rw-------");
                Run run = new Run(pid, stat[1]);
                current = run;
                state = State.RUNNING;
                lastExitCode = null;
                log.accept("product: started " + spec.command().get(0) + " (pid " + pid + ") in " + home);
                events.accept(FleetEvent.PRODUCT_STARTED, Map.of("pid", pid));
                return pid;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the product: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the product", e);
            }
        }
    }

    /**
     * Stops the product: SIGTERM to its process group, then SIGKILL after {@code timeout}
     * ({@code force}: SIGKILL at once). Blocking. Returns the resulting state (stopped, or exited
     * when it had already ended).
     */
    public State stop(Duration timeout, boolean force) {
        synchronized (lock) {
            Run run = current;
            if (run == null || state != State.RUNNING) {
                return state;
            }
            run.stopRequested = true;
            if (!force) {
                signal(run.pid, "TERM");
                if (!awaitEnd(run, timeout)) {
                    log.accept("product: still running " + timeout.toSeconds() + " s after SIGTERM; killing it");
                    force = true;
                }
            }
            if (force) {
                signal(run.pid, "KILL");
                if (!awaitEnd(run, Duration.ofSeconds(10))) {
                    throw new IllegalStateException("the product (pid " + run.pid + ") survived SIGKILL");
                }
            }
            finish(run);   // or the watch's worker finishes it: either way the state is the same
            if (current == run) {
                state = State.STOPPED;
            }
            return state;
        }
    }

    /** Stops (gracefully, {@code timeout}) then starts the product. Blocking. */
    public long restart(ProcessSpec spec, Path home, Duration timeout) {
        synchronized (lock) {
            stop(timeout, false);
            return start(spec, home);
        }
    }

    /** The last {@code n} lines of the product's log (n capped at {@value #MAX_LOG_LINES}). Blocking. */
    public String logs(int n) {
        return String.join("\n", tail(logFile(), Math.max(1, Math.min(n, MAX_LOG_LINES))));
    }

    /** The exit code of the last run that ended, when the wrapper recorded one. */
    public Optional<Integer> lastExitCode() {
        return Optional.ofNullable(lastExitCode);
    }

    // --- the watch ---------------------------------------------------------------------------

    /** On the event loop: one read of /proc per second; the exit work goes to a worker. */
    private void tick() {
        Run run = current;
        if (run == null || run.ended.get() || state != State.RUNNING || alive(run)) {
            return;
        }
        vertx.executeBlocking(() -> {
            finish(run);
            return null;
        }, false).onFailure(e -> log.accept("product: cannot record the product's exit: " + e.getMessage()));
    }

    /** Once per run: reads the exit code and last log lines, sets the state, sends product.exited. */
    private void finish(Run run) {
        if (!run.ended.compareAndSet(false, true)) {
            return;
        }
        Integer code = readExitCode();
        List<String> lastLines = tail(logFile(), EXIT_LINES);
        lastExitCode = code;
        if (current == run) {
            state = run.stopRequested ? State.STOPPED : State.EXITED;
        }
        try {
            Files.deleteIfExists(dir.resolve("pid"));
        } catch (IOException ignored) {
            // the start time guards a stale pid file
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("pid", run.pid);
        fields.put("code", code);   // null when killed before the wrapper could record it
        fields.put("lastLines", lastLines);
        fields.put("requested", run.stopRequested);
        log.accept("product: pid " + run.pid + (run.stopRequested ? " stopped" : " exited")
                + (code == null ? " (no exit code recorded)" : " with code " + code));
        events.accept(FleetEvent.PRODUCT_EXITED, Collections.unmodifiableMap(fields));
    }

    private Integer readExitCode() {
        try {
            return Integer.valueOf(Files.readString(dir.resolve("exit-code")).strip());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private boolean alive(Run run) {
        return stat(run.pid).map(s -> s[1] == run.startTime).orElse(false);
    }

    /** Waits until the run's process is gone (a zombie awaiting its reaper counts as gone); /proc is the judge. */
    private boolean awaitEnd(Run run, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive(run)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !alive(run);
            }
        }
        return true;
    }

    /** Sends a signal to the product's process group (its pid: it leads its own session). */
    private void signal(long pgid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal the product: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    /**
     * The session id and start time of a live (not zombie) process from {@code /proc/PID/stat}, or
     * empty when there is none.
     */
    static Optional<long[]> stat(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        int close = text.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = text.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state), f[3] field 6 (session), f[19] field 22 (start time)
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) {
            return Optional.empty();
        }
        return Optional.of(new long[] {Long.parseLong(f[3]), Long.parseLong(f[19])});
    }

    /** The last {@code n} lines of a file (empty when there is none), read backwards from its end. */
    static List<String> tail(Path file, int n) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = in.length();
            long pos = end;
            int newlines = 0;
            byte[] chunk = new byte[8192];
            // skip a final newline: it ends the last line, it does not start a new one
            if (end > 0) {
                in.seek(end - 1);
                if (in.read() == '\n') {
                    end--;
                    pos = end;
                }
            }
            long start = 0;
            search:
            while (pos > 0) {
                int len = (int) Math.min(chunk.length, pos);
                pos -= len;
                in.seek(pos);
                in.readFully(chunk, 0, len);
                for (int i = len - 1; i >= 0; i--) {
                    if (chunk[i] == '\n' && ++newlines == n) {
                        start = pos + i + 1;
                        break search;
                    }
                }
            }
            byte[] bytes = new byte[(int) (end - start)];
            in.seek(start);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the product log: " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path target, String text, String permissions) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        Files.writeString(tmp, text);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The wrapper: {@code sh run.sh DIR COMMAND...}. It catches TERM, INT and HUP with a no-op so
     * that it outlives the product to record its exit code (a caught signal is reset to the default
     * in the command, an ignored one would not be), runs the command in the foreground, then writes
     * the code atomically.
     */
    static final String WRAPPER = """
            #!/bin/sh
            # Written by fleet-agent: runs the product in the foreground and records its exit code.
            dir="$1"; shift
            trap ':' TERM INT HUP
            printf '%s\\n' "--- fleet-agent: starting the product ---" >>"$dir/product.log"
            "$@" >>"$dir/product.log" 2>&1 </dev/null
            code=$?
            printf '%s\\n' "$code" >"$dir/exit-code.tmp" && mv -f "$dir/exit-code.tmp" "$dir/exit-code"
            exit "$code"
            """;
}
