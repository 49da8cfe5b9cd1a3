package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.SecretRef;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How nodes reach each other: every peer URL the recipes write is made here. A doubled key
 * manager, publisher or store is reached through its load-balancer endpoint, never a node; ports
 * carry the peer's offset.
 */
record Topology(ClusterSpec spec) {

    List<Node> nodes(Role role) {
        return spec.nodesWithRole(role);
    }

    /**
     * The role's first node. Validation makes sure every role a node needs is there ({@code
     * Role.requires}); should a recipe still ask for a missing one, the spec cannot be rendered
     * (a {@link RecipeException}, which the controller answers as {@code cannot-render}), never an
     * internal error.
     */
    Node first(Role role) {
        List<Node> nodes = nodes(role);
        if (nodes.isEmpty()) {
            throw new RecipeException("no node has role " + role + ", which this cluster's configuration needs; "
                    + "add a node with role: " + role);
        }
        return nodes.get(0);
    }

    boolean doubled(Role role) {
        return spec.isDoubled(role);
    }

    /** {@code https://host:port} of a role's servlet transport: its endpoint when doubled. */
    String managementUrl(Role role) {
        if (doubled(role)) {
            return "https://" + endpoint(role).authority();
        }
        return managementUrl(first(role));
    }

    /**
     * The load-balancer endpoint a node stands behind: its role's, when that role is a doubled key
     * manager, publisher or store (a traffic-manager pair has none: it fails over by itself).
     */
    Optional<Endpoint> endpointOf(Node node) {
        Role role = node.role();
        return role.isLoadBalanced() && doubled(role) ? Optional.of(endpoint(role)) : Optional.empty();
    }

    private Endpoint endpoint(Role role) {
        return spec.endpoint(role)
                .orElseThrow(() -> new IllegalStateException(role + " is doubled but has no load-balancer endpoint"));
    }

    /**
     * Where a node itself binds (Thrift) and clusters: the spec's {@code address} when it names one,
     * else the node's host. Peer URLs never use it: they name the host.
     */
    static String ownAddress(Node node) {
        return node.address() != null ? node.address() : node.host();
    }

    static String managementUrl(Node node) {
        return "https://" + node.host() + ":" + ApimPort.SERVLET_HTTPS.on(node);
    }

    /** The admin-services URL ({@code .../services/}) of a role. */
    String servicesUrl(Role role) {
        return managementUrl(role) + "/services/";
    }

    static String servicesUrl(Node node) {
        return managementUrl(node) + "/services/";
    }

    /** A gateway's API endpoints, as API-M lists them: HTTP first, then HTTPS. */
    static String gatewayEndpoint(Node gateway) {
        return "http://" + gateway.host() + ":" + ApimPort.PASSTHROUGH_HTTP.on(gateway)
                + ",https://" + gateway.host() + ":" + ApimPort.PASSTHROUGH_HTTPS.on(gateway);
    }

    /** Where token revocation goes: the first gateway's {@code /revoke} proxy API. */
    String revokeUrl() {
        Node gateway = first(Role.GATEWAY);
        return "https://" + gateway.host() + ":" + ApimPort.PASSTHROUGH_HTTPS.on(gateway) + "/revoke";
    }

    /** Traffic Managers' binary receivers: one URL, or WSO2's fail-over form {@code {a},{b}}. */
    String throttleReceiverGroup() {
        return failoverGroup(tm -> "tcp://" + tm.host() + ":" + ApimPort.THROTTLE_RECEIVER.on(tm));
    }

    String throttleAuthGroup() {
        return failoverGroup(tm -> "ssl://" + tm.host() + ":" + ApimPort.THROTTLE_AUTH.on(tm));
    }

    private String failoverGroup(Function<Node, String> url) {
        List<Node> tms = nodes(Role.TRAFFIC_MANAGER);
        if (tms.size() == 1) {
            return url.apply(tms.get(0));
        }
        return tms.stream().map(tm -> "{" + url.apply(tm) + "}").collect(Collectors.joining(","));
    }

    /**
     * The AMQP URL of the Traffic Managers' JMS broker, with the admin credentials: one broker,
     * or the Qpid client's round-robin fail-over list for two.
     */
    String brokerUrl(String clientId, String virtualHost) {
        List<Node> tms = nodes(Role.TRAFFIC_MANAGER);
        // Qpid parses user:password out of the URL: both go URL-encoded (the password when it is resolved).
        String credentials = SecretRef.urlEncode(spec.admin().username()) + ":" + SecretRef.urlEncoded(spec.admin().password());
        String brokers = tms.stream()
                .map(tm -> "tcp://" + tm.host() + ":" + ApimPort.JMS.on(tm) + (tms.size() > 1 ? "?retries='5'%26connectdelay='50'" : ""))
                .collect(Collectors.joining(";"));
        String failover = tms.size() > 1 ? "failover='roundrobin'%26cyclecount='2'%26" : "";
        return "amqp://" + credentials + "@" + clientId + "/" + virtualHost + "?" + failover + "brokerlist='" + brokers + "'";
    }
}
