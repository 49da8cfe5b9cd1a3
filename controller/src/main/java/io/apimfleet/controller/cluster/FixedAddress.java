package io.apimfleet.controller.cluster;

import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.spi.MemberAddressProvider;
import java.net.InetSocketAddress;

/**
 * Hazelcast's bind and public address, both the cluster-bind address and port: Hazelcast neither
 * scans the network interfaces nor guesses (its interface matching does not see extra loopback
 * addresses such as 127.0.0.70, and a guess could pick another network). With
 * {@code hazelcast.socket.bind.any=false} the member socket is bound to this address alone.
 */
final class FixedAddress implements MemberAddressProvider {
    private final InetSocketAddress address;

    FixedAddress(String host, int port) {
        this.address = new InetSocketAddress(host, port);
    }

    @Override
    public InetSocketAddress getBindAddress() {
        return address;
    }

    @Override
    public InetSocketAddress getBindAddress(EndpointQualifier qualifier) {
        return address;
    }

    @Override
    public InetSocketAddress getPublicAddress() {
        return address;
    }

    @Override
    public InetSocketAddress getPublicAddress(EndpointQualifier qualifier) {
        return address;
    }
}
