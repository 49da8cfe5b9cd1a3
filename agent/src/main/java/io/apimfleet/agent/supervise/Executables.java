package io.apimfleet.agent.supervise;

import io.apimfleet.protocol.bundle.ProcessSpec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The commands a bundle names, checked and run as they are: a product whose program is not
 * installed is refused before anything starts, saying how to install it; a reload command runs
 * to completion within a deadline.
 */
public final class Executables {
    private Executables() {
    }

    /** Refuses (IllegalStateException, the reply's reason) a process whose program is not on this host. */
    public static void requireInstalled(ProcessSpec process, Map<String, String> agentEnvironment) {
        String program = process.command().get(0);
        if (program.contains("/")) {   // a path: relative ones are the home's, checked when they run
            if (Path.of(program).isAbsolute() && !Files.isExecutable(Path.of(program))) {
                throw new IllegalStateException(program + " is not an executable file on this host");
            }
            return;
        }
        String path = process.environment().getOrDefault("PATH", agentEnvironment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new IllegalStateException(program + " is not installed on this host (not found on PATH " + path + "); install it "
                + "(on Debian or Ubuntu: apt-get install -y " + program + "), then start again");
    }

    /** Runs {@code command} in {@code dir} and returns its output; fails (IllegalStateException) when it fails or overruns. */
    public static String run(List<String> command, Path dir, Map<String, String> environment, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + (output.isEmpty() ? "" : ": " + output));
            }
            return output.isEmpty() ? "reloaded" : output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
