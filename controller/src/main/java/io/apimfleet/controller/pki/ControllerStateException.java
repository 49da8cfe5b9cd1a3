package io.apimfleet.controller.pki;

/** The state directory cannot be created or read as asked: already initialised, not initialised, damaged. */
public final class ControllerStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ControllerStateException(String message) {
        super(message);
    }

    ControllerStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
