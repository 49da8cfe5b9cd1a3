package io.apimfleet.standin.config;

/** A port API-M 2.2.0 listens on (offset 0), and what speaks on it. */
public enum Listener {
    /** Servlet HTTPS (catalina-server.xml): console, admin services, Publisher, Store. */
    MANAGEMENT(9443, Kind.TLS),
    /** Thrift key-validation server on the key manager. */
    THRIFT(10397, Kind.TCP),
    /** Data-bridge binary receiver (throttling events). */
    THROTTLE_RECEIVER(9611, Kind.TCP),
    /** Data-bridge SSL authentication receiver. */
    THROTTLE_AUTH(9711, Kind.TLS),
    /** Andes AMQP broker (JMS topic throttleData). */
    JMS(5672, Kind.TCP),
    /** PassThrough HTTP (axis2.xml). */
    PASSTHROUGH_HTTP(8280, Kind.HTTP),
    /** PassThrough HTTPS (axis2.xml). */
    PASSTHROUGH_HTTPS(8243, Kind.TLS);

    public enum Kind { TLS, TCP, HTTP }

    private final int base;
    private final Kind kind;

    Listener(int base, Kind kind) {
        this.base = base;
        this.kind = kind;
    }

    public int port(int offset) {
        return base + offset;
    }

    public Kind kind() {
        return kind;
    }
}
