package io.apimfleet.protocol.bundle;

import java.time.Duration;

/**
 * A health probe the agent runs against its product, as data: a TCP connect, or an HTTP/HTTPS
 * GET expecting a 2xx or 3xx (HTTPS verified against the node's trust store, host name checked).
 * A probe passes after {@code successThreshold} successes in a row and fails after
 * {@code failureThreshold} failures in a row; failures during {@code startupGrace} after the
 * product starts count as "starting" (API-M takes minutes to start).
 *
 * @param host the name dialled (and verified for HTTPS); the agent connects to it as given
 * @param path for HTTP and HTTPS, e.g. {@code /carbon/admin/login.jsp}
 */
public record Probe(String name, Kind kind, String host, int port, String path, Duration interval, Duration timeout,
                    int successThreshold, int failureThreshold, Duration startupGrace) {
    public enum Kind { TCP, HTTP, HTTPS }
}
