package io.apimfleet.standin.config;

import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which peers a profile needs, from the api-manager.xml elements the fleet recipes write. Start-time
 * peers gate health; later ones are dialled once healthy and only logged (as in DESIGN.md's table).
 * A URL naming this node itself is not a peer.
 */
final class Peers {
    private static final String KEY_MANAGER = "key-manager";
    private static final String TRAFFIC_MANAGER = "traffic-manager";
    private static final String GATEWAY = "gateway";
    private static final String STORE = "store";

    private final NodeConfig node;
    private final ConfXml apiManager;

    Peers(NodeConfig node, ConfXml apiManager) {
        this.node = node;
        this.apiManager = apiManager;
    }

    List<Peer> startTime() {
        Map<String, Peer> peers = new LinkedHashMap<>();
        switch (node.profile()) {
            case GATEWAY_WORKER -> {
                https(KEY_MANAGER, "APIKeyValidator", "ServerURL").ifPresent(p -> add(peers, p));
                thriftPort().ifPresent(p -> add(peers, p));
                trafficManagers().forEach(p -> add(peers, p));
            }
            case PUBLISHER, STORE -> {
                https(KEY_MANAGER, "APIKeyValidator", "ServerURL").ifPresent(p -> add(peers, p));
                https(KEY_MANAGER, "AuthManager", "ServerURL").ifPresent(p -> add(peers, p));
            }
            default -> {
                // Key manager, traffic manager and all-in-one need nobody to start.
            }
        }
        return List.copyOf(peers.values());
    }

    List<Peer> later() {
        Map<String, Peer> peers = new LinkedHashMap<>();
        switch (node.profile()) {
            case KEY_MANAGER, STORE -> gateways().forEach(p -> add(peers, p));
            case PUBLISHER -> {
                gateways().forEach(p -> add(peers, p));
                if (apiManager.text("APIStore", "DisplayURL").map(Boolean::parseBoolean).orElse(false)) {
                    https(STORE, "APIStore", "URL").ifPresent(p -> add(peers, p));
                }
                if (apiManager.text("ThrottlingConfigurations", "PolicyDeployer", "Enabled").map(Boolean::parseBoolean).orElse(false)) {
                    https(TRAFFIC_MANAGER, "ThrottlingConfigurations", "PolicyDeployer", "ServiceURL").ifPresent(p -> add(peers, p));
                }
                trafficManagers().forEach(p -> add(peers, p));
            }
            default -> {
                // Gateways and traffic managers dial nobody later.
            }
        }
        return List.copyOf(peers.values());
    }

    private static void add(Map<String, Peer> peers, Peer peer) {
        peers.putIfAbsent(peer.url(), peer);
    }

    private Optional<Peer> https(String role, String... path) {
        return apiManager.text(path).flatMap(url -> node.peer(role, Peer.Kind.HTTPS, url, String.join("/", path)));
    }

    /** A Thrift key-validation client dials the key manager's Thrift port (ThriftServerHost:ThriftClientPort). */
    private Optional<Peer> thriftPort() {
        boolean thrift = apiManager.text("APIKeyValidator", "KeyValidatorClientType").map("ThriftClient"::equals).orElse(false);
        Optional<String> host = apiManager.text("APIKeyValidator", "ThriftServerHost");
        Optional<String> port = apiManager.text("APIKeyValidator", "ThriftClientPort");
        if (!thrift || host.isEmpty() || port.isEmpty()) {
            // ThriftClientPort ships commented out: without it the product would dial its own default.
            return Optional.empty();
        }
        return node.peer(KEY_MANAGER, Peer.Kind.TCP, "tcp://" + host.get() + ":" + port.get(), "APIKeyValidator/ThriftClientPort");
    }

    /** Every receiver (TCP) and auth (TLS) URL of the traffic-manager groups: each one gets all events. */
    private List<Peer> trafficManagers() {
        List<Peer> out = new ArrayList<>();
        String base = "ThrottlingConfigurations/TrafficManager/";
        apiManager.text("ThrottlingConfigurations", "TrafficManager", "ReceiverUrlGroup").ifPresent(group ->
                NodeConfig.groupUrls(node.resolve(group)).forEach(url ->
                        node.peer(TRAFFIC_MANAGER, Peer.Kind.TCP, url, base + "ReceiverUrlGroup").ifPresent(out::add)));
        apiManager.text("ThrottlingConfigurations", "TrafficManager", "AuthUrlGroup").ifPresent(group ->
                NodeConfig.groupUrls(node.resolve(group)).forEach(url ->
                        node.peer(TRAFFIC_MANAGER, Peer.Kind.TLS, url, base + "AuthUrlGroup").ifPresent(out::add)));
        return out;
    }

    private List<Peer> gateways() {
        List<Peer> out = new ArrayList<>();
        Optional<Element> environments = ConfXml.element(apiManager.root(), "APIGateway", "Environments");
        environments.ifPresent(envs -> ConfXml.children(envs, "Environment").forEach(env ->
                ConfXml.element(env, "ServerURL").map(e -> e.getTextContent().trim()).ifPresent(url ->
                        node.peer(GATEWAY, Peer.Kind.HTTPS, url, "APIGateway/Environments/Environment/ServerURL").ifPresent(out::add))));
        return out;
    }
}
