package io.apimfleet.controller.cluster;

import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How this controller joins the controller cluster.
 *
 * @param clusterName  the Hazelcast cluster name (e.g. {@code apim-fleet-<fleet id>}), so that two
 *                     fleets on one network never merge; a label, not a secret
 * @param bind         the cluster-bind address (IPv4 literal): Hazelcast and the event bus listen
 *                     on it alone and advertise it to the peers
 * @param hazelcastPort the Hazelcast member port on {@code bind} (1..65535, no auto-increment)
 * @param eventBusPort the clustered event bus port on {@code bind} (1..65535, or 0 for any free port)
 * @param peers        the other controllers' Hazelcast endpoints, {@code HOST:PORT} (this member
 *                     may be listed too); at least one
 * @param peerIdentity this controller's key and certificate chain from the controller-peer CA,
 *                     presented on both sides of every event-bus connection
 * @param peerTrust    the controller-peer CA alone: never the fleet CA, or agents could join
 * @param api          this controller's HTTPS API ({@code https://HOST:PORT}), which the other
 *                     members show and name when they refuse leader-only work; null for none
 * @param bridge       this controller's agent bridge as agents reach it ({@code HOST:PORT}), which the
 *                     other members name to their agents so that they can fail over to it; null for none
 */
public record ClusterOptions(String clusterName, String bind, int hazelcastPort, int eventBusPort,
                             List<String> peers, KeyCertOptions peerIdentity, TrustOptions peerTrust, String api, String bridge) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern PEER = Pattern.compile("([A-Za-z0-9][A-Za-z0-9.-]*):(\\d{1,5})");

    public ClusterOptions {
        if (clusterName == null || !NAME.matcher(clusterName).matches()) {
            throw new IllegalArgumentException("cluster name must be 1-63 of [A-Za-z0-9._-], not '" + clusterName + "'");
        }
        checkBind(bind);
        checkPort("--cluster-port (the Hazelcast port)", hazelcastPort, false);
        checkPort("the controller-peer event bus port", eventBusPort, true);
        if (hazelcastPort == eventBusPort) {
            throw new IllegalArgumentException("the Hazelcast and event bus ports must differ, both are " + hazelcastPort);
        }
        if (peers == null || peers.isEmpty()) {
            throw new IllegalArgumentException("--peers needs at least one HOST:PORT");
        }
        List<String> checked = new ArrayList<>(peers.size());
        for (String peer : peers) {
            var m = PEER.matcher(peer == null ? "" : peer.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("--peers: a peer must be HOST:PORT, not '" + peer + "'");
            }
            checkPort("--peers: the port of " + peer.trim(), Integer.parseInt(m.group(2)), false);
            checked.add(peer.trim());
        }
        peers = List.copyOf(checked);
        Objects.requireNonNull(peerIdentity, "peerIdentity (this controller's controller-peer key and certificate)");
        Objects.requireNonNull(peerTrust, "peerTrust (the controller-peer CA)");
    }

    /** The same options without a bridge endpoint (the daemon adds its own with {@link #withBridge}). */
    public ClusterOptions(String clusterName, String bind, int hazelcastPort, int eventBusPort,
                          List<String> peers, KeyCertOptions peerIdentity, TrustOptions peerTrust, String api) {
        this(clusterName, bind, hazelcastPort, eventBusPort, peers, peerIdentity, peerTrust, api, null);
    }

    /** The same options naming this controller's bridge endpoint, {@code HOST:PORT}. */
    public ClusterOptions withBridge(String endpoint) {
        return new ClusterOptions(clusterName, bind, hazelcastPort, eventBusPort, peers, peerIdentity, peerTrust, api, endpoint);
    }

    /** The same options without an API address (for members that serve none, as in the tests). */
    public ClusterOptions(String clusterName, String bind, int hazelcastPort, int eventBusPort,
                          List<String> peers, KeyCertOptions peerIdentity, TrustOptions peerTrust) {
        this(clusterName, bind, hazelcastPort, eventBusPort, peers, peerIdentity, peerTrust, null, null);
    }

    /** {@code bind:hazelcastPort}, this member's Hazelcast address as the peers list it. */
    public String hazelcastAddress() {
        return bind + ":" + hazelcastPort;
    }

    /** Checks a {@code --cluster-bind} value: one IPv4 address, not a name or the wildcard. */
    public static void checkBind(String address) {
        var m = IPV4.matcher(address == null ? "" : address);
        if (!m.matches()) {
            throw new IllegalArgumentException("--cluster-bind must be one IPv4 address (not a name, not a wildcard), not '" + address + "'");
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                throw new IllegalArgumentException("--cluster-bind is not an IPv4 address: '" + address + "'");
            }
        }
        if (address.equals("0.0.0.0")) {
            throw new IllegalArgumentException("--cluster-bind must name one interface address, not the wildcard 0.0.0.0");
        }
    }

    private static void checkPort(String what, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? "0" : "1") + "..65535, not " + port);
        }
    }
}
