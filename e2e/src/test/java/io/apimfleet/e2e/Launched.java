package io.apimfleet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command of the built distribution run as a real process, its output in a file. */
record Launched(Process process, Path log) implements AutoCloseable {
    static final Path DIST = Path.of(System.getProperty("fleet.dist.dir", "../packaging/target/apim-fleet")).toAbsolutePath().normalize();

    static Launched start(Path log, String command, String... args) {
        List<String> line = new ArrayList<>();
        line.add(DIST.resolve("bin").resolve(command).toString());
        line.addAll(List.of(args));
        try {
            Files.createDirectories(log.getParent());
            return new Launched(new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command to completion (within 60 s) and returns its output; fails on a non-zero exit. */
    static String run(Path log, String command, String... args) {
        try (Launched launched = start(log, command, args)) {
            if (!launched.process().waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(command + " did not finish within 60 s: " + launched.output());
            }
            if (launched.process().exitValue() != 0) {
                throw new AssertionError(command + " " + String.join(" ", args) + " exited " + launched.process().exitValue() + ": " + launched.output());
            }
            return launched.output();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Resident memory of the JVM (the launchers exec java, so this pid is the JVM's), in kB. */
    long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** SIGTERM, then SIGKILL if it has not ended within 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
