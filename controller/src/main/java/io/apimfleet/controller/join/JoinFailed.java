package io.apimfleet.controller.join;

/**
 * A {@code fleet controller join} that did not happen; nothing was written. The message says what
 * to do and never holds the token, a key or a secret.
 */
public final class JoinFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, as the CLI's exit status tells it. */
    public enum Kind {
        /** The first controller's fleet root is not the pinned one: nothing was sent. */
        UNTRUSTED,
        /** The first controller refused the token or a request. */
        REFUSED,
        /** Anything else: unreachable, an unexpected answer, the local directory. */
        FAILED
    }

    private final Kind kind;

    JoinFailed(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
