package io.apimfleet.controller.client;

import java.util.List;

/**
 * The controller answered, but not with success: {@link #status()} is the HTTP status and
 * {@link #reason()} the stable code of its {@code {"error", "reason"}} body.
 */
public final class ControllerApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final List<String> problems;

    public ControllerApiException(int status, String reason, String message) {
        this(status, reason, message, List.of());
    }

    /** @param problems an invalid spec's problems, each {@code file:line:column: message} */
    public ControllerApiException(int status, String reason, String message, List<String> problems) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
