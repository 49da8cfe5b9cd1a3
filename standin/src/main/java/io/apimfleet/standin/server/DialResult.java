package io.apimfleet.standin.server;

/**
 * What dialling a peer found.
 *
 * @param verified whether the peer counts as reachable and trusted
 * @param detail   on success what it presented (subject, issuer); on failure the reason
 * @param loud     a failure the real product would not survive either (wrong names, untrusted
 *                 certificate, different primary key): logged as ERROR
 */
record DialResult(boolean verified, String detail, boolean loud) {
    static DialResult ok(String detail) {
        return new DialResult(true, detail, false);
    }

    static DialResult failed(String reason) {
        return new DialResult(false, reason, false);
    }

    static DialResult broken(String reason) {
        return new DialResult(false, reason, true);
    }
}
