package io.apimfleet.controller.client;

/** The controller could not be reached (refused, timed out, TLS failed): nothing was asked of it. */
public final class ControllerUnreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ControllerUnreachable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
