package io.apimfleet.controller.client;

/**
 * The controller answered, but not with success: {@link #status()} is the HTTP status and
 * {@link #reason()} the stable code of its {@code {"error", "reason"}} body.
 */
public final class ControllerApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;

    public ControllerApiException(int status, String reason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
