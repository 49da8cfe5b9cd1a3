package io.apimfleet.controller.spec;

/** Where peers and users reach a doubled role through the load balancer. */
public record Endpoint(String host, int port) {
    /** The {@code host:port} authority, with IPv6 literals bracketed as URLs need them. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
