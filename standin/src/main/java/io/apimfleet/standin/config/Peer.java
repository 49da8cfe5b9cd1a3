package io.apimfleet.standin.config;

/**
 * A node this one talks to, as its config names it.
 *
 * @param role what the peer is to us (key-manager, traffic-manager, gateway, store)
 * @param kind HTTPS (admin services: login.jsp 200 and the same primary key), TLS (handshake
 *             verified) or TCP (connect)
 */
public record Peer(String role, Kind kind, String host, int port) {
    public enum Kind { HTTPS, TLS, TCP }

    /** How the peer is written in the log lines. */
    public String url() {
        String scheme = switch (kind) {
            case HTTPS -> "https";
            case TLS -> "ssl";
            case TCP -> "tcp";
        };
        return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
