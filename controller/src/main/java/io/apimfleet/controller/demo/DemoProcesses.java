package io.apimfleet.controller.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every process the demo started, directly (the controller, {@code make-home}, {@code join}, the
 * agents) or through an agent (the products, which lead sessions of their own and outlive their
 * agents: they are found from the pid files the agents keep). Each direct child writes its output to
 * a log file. {@link #stopAll} stops them all: SIGTERM, a deadline, then SIGKILL.
 */
public final class DemoProcesses {
    /** What {@link #stopAll} did: how many processes it ended, how many of them it had to kill; of which products, agents, the controller. */
    public record Stopped(int processes, int killed, int products, int agents, boolean controller) {
    }

    private record Child(String kind, String name, Process process) {
    }

    private final Path dir;
    private final List<Child> children = new ArrayList<>();
    private final Map<String, Path> productPidFiles = new LinkedHashMap<>();
    private boolean stopping;
    private Stopped stopped;

    /** {@code dir}: the demo's folder, which every command line of the demo names. */
    public DemoProcesses(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code command}, its output (stdout and stderr) to {@code log}; refused once stopping began. */
    public synchronized Process start(String kind, String name, Path log, List<String> command, Map<String, String> environment) {
        if (stopping) {
            throw new DemoException("the demo is stopping");
        }
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).directory(dir.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            children.add(new Child(kind, name, process));
            return process;
        } catch (IOException e) {
            throw new DemoException("cannot start " + command.get(0) + ": " + e.getMessage());
        }
    }

    /** Runs a short command to completion within {@code deadline}; a DemoException naming its log when it fails. */
    public void run(String what, Path log, List<String> command, Map<String, String> environment, Duration deadline) {
        Process process = start("command", what, log, command, environment);
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new DemoException(what + " did not finish within " + deadline.toSeconds() + " s; its output: " + log + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException(what + " was interrupted");
        }
        if (process.exitValue() != 0) {
            throw new DemoException(what + " failed (exit status " + process.exitValue() + "); its output: " + log + tail(log));
        }
    }

    /** The agent of {@code node} keeps its product's pid (the wrapper's, leader of the product's session) in this file. */
    public synchronized void product(String node, Path pidFile) {
        productPidFiles.put(node, pidFile);
    }

    /**
     * Stops every product, agent and the controller at once (SIGTERM to each process and its
     * descendants), waits for them until {@code deadline}, then kills what remains. Runs once;
     * later calls answer what the first did.
     */
    public synchronized Stopped stopAll(Duration deadline) {
        if (stopped != null) {
            return stopped;
        }
        stopping = true;
        Set<ProcessHandle> targets = new LinkedHashSet<>();
        int products = 0;
        for (Path pidFile : productPidFiles.values()) {
            Optional<ProcessHandle> product = ofPidFile(pidFile);
            if (product.isPresent()) {
                products++;
                withDescendants(product.get(), targets);
            }
        }
        int agents = 0;
        boolean controller = false;
        for (Child child : children) {
            if (child.process().isAlive()) {
                agents += "agent".equals(child.kind()) ? 1 : 0;
                controller |= "controller".equals(child.kind());
                withDescendants(child.process().toHandle(), targets);
            }
        }
        targets.forEach(ProcessHandle::destroy);
        List<ProcessHandle> remaining = awaitExit(targets, deadline);
        remaining.forEach(ProcessHandle::destroyForcibly);
        awaitExit(remaining, Duration.ofSeconds(10));
        stopped = new Stopped(targets.size(), remaining.size(), products, agents, controller);
        return stopped;
    }

    private Optional<ProcessHandle> ofPidFile(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            // a recycled pid belongs to someone else: the product's command line names the demo's folder
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> commandLine(pid).contains(dir.toString()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void withDescendants(ProcessHandle process, Set<ProcessHandle> into) {
        into.add(process);
        process.descendants().forEach(into::add);
    }

    private static List<ProcessHandle> awaitExit(Iterable<ProcessHandle> processes, Duration deadline) {
        List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
        processes.forEach(p -> exits.add(p.onExit()));
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // some are still running: the caller kills them
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ProcessHandle> alive = new ArrayList<>();
        processes.forEach(p -> {
            if (p.isAlive()) {
                alive.add(p);
            }
        });
        return alive;
    }

    /** The process's arguments joined by spaces, read from /proc (empty when it is gone or unreadable). */
    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | SecurityException e) {
            return "";
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : "\n  | " + String.join("\n  | ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
