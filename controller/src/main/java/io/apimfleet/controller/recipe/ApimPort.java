package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;

/**
 * API-M's listening ports at offset 0. Every one moves with the node's port offset, and a URL to
 * a peer must carry the peer's offset: API-M's own placeholders (such as
 * {@code ${receiver.url.port}}) resolve with the offset of the node reading the file.
 */
enum ApimPort {
    SERVLET_HTTPS(9443),
    SERVLET_HTTP(9763),
    PASSTHROUGH_HTTPS(8243),
    PASSTHROUGH_HTTP(8280),
    THROTTLE_RECEIVER(9611),
    THROTTLE_AUTH(9711),
    JMS(5672),
    THRIFT(10397),
    WEBSOCKET(9099),
    SECURE_WEBSOCKET(8099),
    /**
     * Hazelcast clustering (axis2.xml {@code localMemberPort}). The one exception: Carbon uses it as
     * written, without the offset, so the recipes write it with the node's offset already added,
     * which keeps nodes sharing a host (distinct offsets) apart. No other port lies in 4000-5000.
     */
    CLUSTERING(4000);

    private final int base;

    ApimPort(int base) {
        this.base = base;
    }

    int base() {
        return base;
    }

    /** This port on that node. */
    int on(Node node) {
        return base + node.portOffset();
    }
}
