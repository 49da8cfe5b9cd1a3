package io.apimfleet.controller.demo;

/** The demo cannot go on: the message says what failed and where its log is. */
public final class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DemoException(String message) {
        super(message, null, false, false);
    }
}
