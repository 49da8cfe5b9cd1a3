package io.apimfleet.controller.cli;

import java.util.List;

/** A failure caused by the user's input: its lines are printed to stderr as they are, exit code 2. */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> lines;

    UserError(List<String> lines) {
        super(String.join("\n", lines), null, false, false);
        this.lines = List.copyOf(lines);
    }

    UserError(String line) {
        this(List.of(line));
    }

    List<String> lines() {
        return lines;
    }
}
