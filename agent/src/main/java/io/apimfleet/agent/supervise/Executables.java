package io.apimfleet.agent.supervise;

import io.apimfleet.protocol.bundle.ProcessSpec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
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

    /**
     * Sends one command line to a Unix socket and returns the answer, read until the product
     * closes the connection (HAProxy's runtime API answers one command per connection).
     */
    public static String ask(Path socket, String commandLine, Duration timeout) {
        if (commandLine.contains("\n")) {
            throw new IllegalArgumentException("one command line at a time");
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((commandLine + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            long deadline = System.nanoTime() + timeout.toNanos();
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_READ);
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new IllegalStateException(socket + " did not answer '" + commandLine + "' within " + timeout.toSeconds() + " s");
                    }
                    selector.select(left);
                    selector.selectedKeys().clear();
                    int read = channel.read(buffer);
                    if (read < 0) {
                        break;
                    }
                    answer.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the admin socket " + socket + ": " + e.getMessage(), e);
        }
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
