package io.apimfleet.controller.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apimfleet.controller.daemon.PeerCertificates;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.metrics.FleetMetrics;
import io.apimfleet.controller.pki.NodeNames;
import io.apimfleet.controller.pki.RevocationList;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.Heartbeat;
import io.apimfleet.protocol.link.LinkAdvice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The TCP event-bus bridge agents connect to: TLS with a client certificate from the fleet CA
 * required (and checked against the revocation list at every handshake), and every frame
 * authorised in the bridge-event handler by the certificate's CN:
 * <ul>
 *   <li>{@code register}/{@code unregister} only under {@code fleet.agent.<CN>.};</li>
 *   <li>{@code send}/{@code publish} only to {@code fleet.controller.*}, and {@code send} to a reply
 *       address the controller gave that agent ({@link GivenReplies});</li>
 *   <li>every {@code send}/{@code publish} let through carries {@link Addresses#VERIFIED_NODE} = CN,
 *       whatever the agent put there.</li>
 * </ul>
 * Each refusal is answered by the bridge with an {@code err} frame and journaled as
 * {@code bridge.refused {node, address, kind, reason}}. Heartbeats feed {@link LiveAgents}; agent
 * events are journaled under the verified name.
 *
 * <p>Clustered, with an {@link AgentRelay}: the heartbeats and accepted events of the agents
 * linked here are passed on to the other controllers, and theirs taken in the same way
 * ({@link #relayedHeartbeat}, {@link #relayedEvent}); when the connection a node registered its
 * command address over closes, {@link LiveAgents#linkClosed} is told at once.
 */
public final class AgentBridge {
    private static final Logger LOG = Logger.getLogger(AgentBridge.class.getName());
    public static final String REFUSED = "bridge.refused";
    /** Event types the controller journals itself: an agent may not send them. */
    private static final List<String> RESERVED_TYPES = List.of("agent.connected", "agent.lost", "agent.enrolled", "agent.removed",
            "enroll.", "renew.", "token.", "state.", "bridge.", "rollout.", "controller.");
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9-]{0,30}(\\.[a-z0-9-]{1,30}){1,3}");
    private static final int MAX_EVENT_FIELDS_BYTES = 64 * 1024;
    private static final int MAX_LOGGED_ADDRESS = 200;
    /** Vert.x's reply addresses start so; never put this in a PermittedOptions rule. */
    private static final String REPLY_PREFIX = "__vertx.reply.";

    private final Vertx vertx;
    private final Journal journal;
    private final LiveAgents live;
    private final FleetMetrics metrics;
    private final GivenReplies replies;
    private final Supplier<Set<String>> revokedSerials;
    private final Supplier<List<String>> advisedEndpoints;
    private final List<TcpEventBusBridge> listeners = new ArrayList<>();
    /** One share of new handshakes for all the bridge's listeners: the cost is the controller's, wherever they arrive. */
    private final HandshakeAdmission admission = new HandshakeAdmission(LinkAdvice.RECONNECTS_PER_SECOND, System::nanoTime);
    private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
    /** The connection each node registered its command address over last (event-loop confined). */
    private final Map<String, NetSocket> commandSockets = new HashMap<>();
    private long sweepTimer = -1;
    /** Clustered, once in the cluster: where the traffic of the agents linked here is passed on. */
    private AgentRelay relay;

    /**
     * @param replyTtl how long a reply address given to an agent stays usable (the request timeout)
     * @param revokedSerials the revoked certificates as last read, by {@link RevocationList#key} (issuer and serial); refreshed by the caller
     * @param advisedEndpoints the bridge endpoints to name in the advice to agents, or null to name none (the agents keep theirs)
     */
    public AgentBridge(Vertx vertx, Journal journal, LiveAgents live, FleetMetrics metrics, Duration replyTtl,
                       Supplier<Set<String>> revokedSerials, Supplier<List<String>> advisedEndpoints) {
        this.vertx = vertx;
        this.journal = journal;
        this.live = live;
        this.metrics = metrics;
        this.replies = new GivenReplies(replyTtl.plusSeconds(5));
        this.revokedSerials = revokedSerials;
        this.advisedEndpoints = advisedEndpoints;
    }

    /** Registers the controller's consumers and the reply tracking; call once, on the controller's context. */
    public void start() {
        vertx.eventBus().addOutboundInterceptor(replies);
        consumers.add(vertx.eventBus().consumer(Addresses.HEARTBEAT, this::onHeartbeat));
        consumers.add(vertx.eventBus().consumer(Addresses.EVENTS, this::onEvent));
        sweepTimer = vertx.setPeriodic(5_000, id -> replies.expire());
    }

    /** Listens on {@code host:port} with the controller's certificate; only the fleet CA's (unrevoked) clients get in. */
    public Future<Void> listen(String host, int port, KeyCertOptions identity, TrustOptions fleetCaTrust) {
        NetServerOptions tls = new NetServerOptions()
                .setSsl(true)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(admission.guarding(identity))
                .setTrustOptions(fleetCaTrust)
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
                // shorter than an agent's 10 s, so the controller never works on for a client that gave up
                .setSslHandshakeTimeout(5).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                // handshake work (signatures, the revocation list's file check) runs on a worker, not the event loop
                .setSslEngineOptions(new JdkSSLEngineOptions().setUseWorkerThread(true))
                .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setReuseAddress(true);
        BridgeOptions permitted = new BridgeOptions()
                // replies are not listed here: the handler allows them, and the bridge's own per-socket table applies
                .addInboundPermitted(new PermittedOptions().setAddressRegex("fleet\\.controller\\..+"))
                .addOutboundPermitted(new PermittedOptions().setAddressRegex("fleet\\.agent\\..+"));
        TcpEventBusBridge bridge = TcpEventBusBridge.create(vertx, permitted, tls, this::authorise);
        listeners.add(bridge);
        return bridge.listen(port, host).mapEmpty();
    }

    /** Clustered, once in the cluster: pass the heartbeats and events of the agents linked here on through {@code relay}. Call on the controller's context. */
    public void relayThrough(AgentRelay relay) {
        this.relay = relay;
    }

    public Future<Void> close() {
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        vertx.eventBus().removeOutboundInterceptor(replies);
        List<Future<Void>> closing = new ArrayList<>();
        consumers.forEach(c -> closing.add(c.unregister()));
        listeners.forEach(l -> closing.add(l.close()));
        return Future.join(closing).mapEmpty();
    }

    // ------------------------------------------------------------------ authorisation

    /** The bridge-event handler: always completes the event, true or false. */
    void authorise(BridgeEvent event) {
        try {
            event.complete(decide(event));
        } catch (RuntimeException e) {
            LOG.warning("bridge frame refused after an error: " + e);
            event.tryComplete(false);
        }
    }

    private boolean decide(BridgeEvent event) {
        switch (event.type()) {
            case SOCKET_CREATED, SOCKET_CLOSED, SOCKET_IDLE, SOCKET_ERROR, REGISTERED, RECEIVE:
                return true;
            default:
                break;
        }
        X509Certificate leaf = PeerCertificates.leaf(() -> event.socket().peerCertificates());
        String node = PeerCertificates.commonName(leaf);
        JsonObject raw = event.getRawMessage();
        String address = raw == null ? null : raw.getValue("address") instanceof String a ? a : null;
        String kind = event.type().name().toLowerCase(Locale.ROOT);
        if (leaf == null || node == null) {
            // cannot happen with ClientAuth.REQUIRED; refuse rather than trust
            event.socket().close();
            return refuse("(no certificate)", address, kind, "no-certificate");
        }
        if (!isAgentName(node)) {
            // the fleet CA also signs the admin's certificate (CN=fleet-admin): it is no agent
            event.socket().close();
            return refuse(node, address, kind, "not-an-agent");
        }
        if (revokedSerials.get().contains(RevocationList.key(leaf))) {
            event.socket().close();
            return refuse(node, address, kind, "certificate-revoked");
        }
        switch (event.type()) {
            case SOCKET_PING:
                return true;
            case REGISTER:
                if (!Addresses.ownedBy(address, node)) {
                    return refuse(node, address, kind, "not-own-address");
                }
                replaceEarlierConnection(node, address, event.socket());
                return true;
            case UNREGISTER:
                return Addresses.ownedBy(address, node) || refuse(node, address, kind, "not-own-address");
            case PUBLISH:
                if (address != null && address.startsWith(Addresses.CONTROLLER_PREFIX)) {
                    return stamp(event, raw, node);
                }
                return refuse(node, address, kind, "not-a-controller-address");
            case SEND:
                if (address != null && address.startsWith(Addresses.CONTROLLER_PREFIX)) {
                    return stamp(event, raw, node);
                }
                if (address != null && replies.take(address, node)) {
                    return stamp(event, raw, node);
                }
                return refuse(node, address, kind, sendRefusal(address));
            default:
                return refuse(node, address, kind, "unknown-frame-type");
        }
    }

    /**
     * A node has one identity and one agent: when it registers its command address over a new
     * connection, an earlier one still open (a restarted agent whose old connection the network
     * never closed) is closed, so requests do not go to a socket nobody reads.
     */
    private void replaceEarlierConnection(String node, String address, NetSocket socket) {
        if (!Addresses.commands(node).equals(address)) {
            return;
        }
        NetSocket earlier = commandSockets.put(node, socket);
        if (earlier != socket) {
            // the bridge itself sets the handler, end and exception handlers, never the close handler
            socket.closeHandler(v -> closed(node, socket));
        }
        if (earlier != null && earlier != socket) {
            LOG.info("agent " + node + " registered over a new connection; closing its earlier one");
            earlier.close();
        }
    }

    /** A connection a node registered its command address over closed: unless a newer one replaced it, the node is no longer linked here. */
    private void closed(String node, NetSocket socket) {
        if (commandSockets.remove(node, socket)) {
            live.linkClosed(node);
        }
    }

    static boolean isAgentName(String node) {
        try {
            NodeNames.check(node);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String sendRefusal(String address) {
        if (address == null) {
            return "no-address";
        }
        if (address.startsWith(Addresses.AGENT_PREFIX)) {
            return "agent-address";
        }
        return address.startsWith(REPLY_PREFIX) ? "reply-not-given" : "not-a-controller-address";
    }

    /** Overwrites the verified-node header with the certificate's CN; false when the headers are malformed. */
    private boolean stamp(BridgeEvent event, JsonObject raw, String node) {
        Object given = raw.getValue("headers");
        JsonObject headers;
        if (given == null) {
            headers = new JsonObject();
        } else if (given instanceof JsonObject object) {
            headers = object;
        } else {
            return refuse(node, raw.getString("address"), event.type().name().toLowerCase(Locale.ROOT), "malformed-headers");
        }
        headers.remove("codecName");   // only the controller picks codecs
        headers.put(Addresses.VERIFIED_NODE, node);
        raw.put("headers", headers);
        event.setRawMessage(raw);
        return true;
    }

    private boolean refuse(String node, String address, String kind, String reason) {
        metrics.bridgeRefused(kind);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("node", node);
        fields.put("address", address == null ? "(none)"
                : address.length() > MAX_LOGGED_ADDRESS ? address.substring(0, MAX_LOGGED_ADDRESS) + "…" : address);
        fields.put("kind", kind);
        fields.put("reason", reason);
        journal.record(REFUSED, fields);
        return false;
    }

    // ------------------------------------------------------------------ what agents send

    private void onHeartbeat(Message<Object> message) {
        String node = message.headers().get(Addresses.VERIFIED_NODE);
        if (node == null) {
            return;   // not from an agent through the bridge
        }
        metrics.heartbeat();
        Heartbeat heartbeat = null;
        try {
            heartbeat = Json.mapper().readValue(encode(message.body()), Heartbeat.class);
        } catch (JsonProcessingException e) {
            LOG.fine("unreadable heartbeat from " + node + ": " + e.getOriginalMessage());
        }
        live.heartbeat(node, heartbeat);
        if (relay != null) {
            relay.heartbeatHere(node, message.body());
        }
        if (message.replyAddress() != null) {
            // the agent asked (its first heartbeat on a connection, then now and then): how widely to spread its
            // reconnections, and (clustered) where every controller's bridge is, so it can fail over to them
            LinkAdvice advice = LinkAdvice.forFleetOf(live.connectedCount()).withBridgeEndpoints(advisedEndpoints.get());
            message.reply(new JsonObject(Json.mapper().convertValue(advice, Map.class)));
        }
    }

    private void onEvent(Message<Object> message) {
        String node = message.headers().get(Addresses.VERIFIED_NODE);
        if (node == null || !(message.body() instanceof JsonObject body)) {
            return;
        }
        if (accept(node, body) && relay != null) {
            relay.eventHere(node, body);
        }
    }

    /**
     * A heartbeat of {@code node} that the controller {@code holder} passed on from its bridge
     * (the node verified there). Not counted, not answered: the agent asked its own controller.
     */
    void relayedHeartbeat(String node, Object body, String holder) {
        Heartbeat heartbeat = null;
        try {
            heartbeat = Json.mapper().readValue(encode(body), Heartbeat.class);
        } catch (JsonProcessingException e) {
            LOG.fine("unreadable heartbeat of " + node + " from controller " + holder + ": " + e.getOriginalMessage());
        }
        live.heartbeat(node, heartbeat, holder);
    }

    /** An event of {@code node} that another controller passed on from its bridge: checked, journaled and applied as one sent here. */
    void relayedEvent(String node, JsonObject body) {
        accept(node, body);
    }

    /** Checks an agent's event, journals it under the verified name and applies it; false when it is refused. */
    private boolean accept(String node, JsonObject body) {
        String type = body.getValue("type") instanceof String t ? t : null;
        if (type == null || !EVENT_TYPE.matcher(type).matches() || RESERVED_TYPES.stream().anyMatch(type::startsWith)) {
            LOG.info("event from " + node + " ignored: its type " + (type == null ? "is missing" : "'" + type + "' is not one an agent may send"));
            return false;
        }
        Object fieldsValue = body.getValue("fields");
        Map<String, Object> fields = new LinkedHashMap<>();
        if (fieldsValue instanceof JsonObject given) {
            if (given.encode().length() > MAX_EVENT_FIELDS_BYTES) {
                LOG.info("event " + type + " from " + node + " ignored: its fields exceed " + MAX_EVENT_FIELDS_BYTES + " bytes");
                return false;
            }
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> plain = Json.mapper().readValue(given.encode(), Map.class);
                fields.putAll(plain);
            } catch (JsonProcessingException e) {
                return false;
            }
        }
        fields.put("node", node);   // the verified name, whatever the body said
        journal.record(type, fields);
        live.event(node, type, fields);
        return true;
    }

    private static String encode(Object body) {
        return body instanceof JsonObject object ? object.encode() : String.valueOf(body);
    }
}
