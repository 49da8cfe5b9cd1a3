package io.apimfleet.protocol;

/** The version of the controller-agent contract; bumped on any incompatible change. */
public final class ProtocolVersion {
    public static final int CURRENT = 1;

    private ProtocolVersion() {
    }
}
