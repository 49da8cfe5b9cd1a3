package io.apimfleet.agent.enroll;

import java.net.URI;
import java.util.Locale;

/** A host and port: {@code HOST:PORT}, {@code [v6]:PORT}, or a bare host taking a default port. */
public record Endpoint(String host, int port) {
    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    public static Endpoint parse(String text, int defaultPort) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("endpoint " + text + " has an unclosed [");
            }
            String host = t.substring(1, close);
            String rest = t.substring(close + 1);
            return new Endpoint(host, rest.isEmpty() ? defaultPort : port(rest.substring(1), text));
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0 || t.indexOf(':') != colon) {
            return new Endpoint(t, defaultPort);
        }
        return new Endpoint(t.substring(0, colon), port(t.substring(colon + 1), text));
    }

    /**
     * The controller's API from {@code --controller}: {@code https://HOST:PORT}, or {@code HOST:PORT}
     * as {@code fleet token create} prints it, or a bare host (port 7443). Plain http is refused.
     */
    public static URI controllerUrl(String text) {
        String t = text == null ? "" : text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://")) {
            throw new IllegalArgumentException("--controller must use https: the controller's API is TLS only");
        }
        if (lower.startsWith("https://")) {
            t = t.substring("https://".length());
        }
        int slash = t.indexOf('/');
        if (slash >= 0) {
            t = t.substring(0, slash);
        }
        Endpoint e = parse(t, 7443);
        return URI.create("https://" + e);
    }

    private static int port(String text, String whole) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint " + whole + " has no valid port");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
