package io.apimfleet.bundle;

/**
 * A bundle cannot be applied or rolled back. The message names the operation, file, XPath and
 * reason; it never carries a value (values may be secrets). Nothing has been swapped in.
 */
public final class BundleException extends RuntimeException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
