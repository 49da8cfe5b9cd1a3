package io.apimfleet.standin.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code <HOME>/repository/logs/wso2carbon.log}, appended as Carbon does, and the same lines on
 * stdout. Every message starts with {@code standin: } so tests and operators can grep one prefix.
 * Callers never pass passwords or keys here.
 */
public final class StandinLog {
    public static final String LOG = "repository/logs/wso2carbon.log";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private final Path file;
    private final PrintStream console;

    public StandinLog(Path home, PrintStream console) {
        this.file = home.resolve(LOG);
        this.console = console;
    }

    public void info(String message) {
        write("INFO ", message);
    }

    public void error(String message) {
        write("ERROR", message);
    }

    private synchronized void write(String level, String message) {
        String line = "[" + TIME.format(LocalDateTime.now()) + "] " + level + " {StandIn} - standin: " + message + System.lineSeparator();
        console.print(line);
        console.flush();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            console.println("standin: cannot append to " + file + ": " + e.getMessage());
        }
    }
}
