package io.apimfleet.controller.pki;

import java.util.Locale;
import java.util.Optional;

/**
 * An enrollment or renewal the controller refused. {@link #code()} is stable (the agent and the
 * HTTPS API show it); the message says what to do. Carries no stack trace, never a secret.
 */
public final class EnrollmentRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why; {@link #code()} is what goes on the wire. */
    public enum Reason {
        /** The token is not {@code <id>.<secret>}. */
        MALFORMED,
        /** No token with that id and secret. */
        UNKNOWN,
        EXPIRED,
        /** Tokens are single use. */
        USED,
        REVOKED,
        /** The CSR is not PEM PKCS#10. */
        CSR_UNPARSABLE,
        /** The CSR's self-signature does not verify: corrupted or tampered with. */
        CSR_SIGNATURE,
        /** The CSR's CN is not the token's (or the certificate's) node. */
        CN_MISMATCH,
        /** Not EC P-256/P-384 or RSA of 2048 bits or more. */
        WEAK_KEY,
        /** Renewal before two thirds of the current certificate's life. */
        TOO_EARLY,
        /** Renewal with a certificate this controller did not issue to an enrolled agent. */
        CERTIFICATE_UNKNOWN,
        /** Renewal with a certificate outside its validity. */
        CERTIFICATE_EXPIRED,
        /** Renewal with a revoked certificate. */
        CERTIFICATE_REVOKED;

        /** {@code used}, {@code csr-signature}, {@code too-early}, ... */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;
    private final String node;

    EnrollmentRefused(Reason reason, String message) {
        this(reason, null, message);
    }

    EnrollmentRefused(Reason reason, String node, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.node = node;
    }

    public Reason reason() {
        return reason;
    }

    /** {@link Reason#code()} of {@link #reason()}. */
    public String code() {
        return reason.code();
    }

    /** The node concerned, when the controller knows it (from the token or the certificate). */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    EnrollmentRefused forNode(String name) {
        return node != null || name == null ? this : new EnrollmentRefused(reason, name, getMessage());
    }
}
