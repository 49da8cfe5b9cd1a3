package io.apimfleet.controller.pki;

/** Sealed data that does not open: truncated, tampered with, or sealed under another master key. */
public final class SealedDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SealedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
