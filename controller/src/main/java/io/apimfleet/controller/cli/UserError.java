package io.apimfleet.controller.cli;

import java.util.List;

/**
 * A failure to report as it is: its lines are printed to stderr, and the command exits with
 * {@link #exitCode()} (2, {@link FleetCommand#EXIT_USER_ERROR}, for problems in what the user gave).
 */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> lines;
    private final int exitCode;

    UserError(List<String> lines) {
        this(FleetCommand.EXIT_USER_ERROR, lines);
    }

    UserError(String line) {
        this(List.of(line));
    }

    UserError(int exitCode, String line) {
        this(exitCode, List.of(line));
    }

    UserError(int exitCode, List<String> lines) {
        super(String.join("\n", lines), null, false, false);
        this.lines = List.copyOf(lines);
        this.exitCode = exitCode;
    }

    List<String> lines() {
        return lines;
    }

    int exitCode() {
        return exitCode;
    }
}
