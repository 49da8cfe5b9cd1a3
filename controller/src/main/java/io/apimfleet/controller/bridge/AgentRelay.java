package io.apimfleet.controller.bridge;

import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Clustered: the agents linked to this controller's bridge, reachable from every controller of
 * the cluster over the event bus between controllers (mutual TLS, controller-peer CA: only a
 * peer can send on it).
 * <ul>
 *   <li>While an agent is linked here, a consumer at {@code apim-fleet.relay.<node>} on the
 *       clustered bus takes requests for it: one with a leadership epoch above 0 and a request
 *       kind is sent on over this controller's own bus to {@code fleet.agent.<node>.cmd} with that
 *       epoch, kind and timeout (nothing else of the relayed message), and the agent's reply goes
 *       back with the verified node name the bridge stamped on it. Anything else is refused and
 *       nothing reaches the agent. The consumer goes when the link does (closed, or silent for the
 *       heartbeat timeout); Vert.x keeps clustered consumers in the cluster manager, which drops
 *       those of a member that leaves or dies, so no consumer means no controller holds the agent.</li>
 *   <li>The heartbeats and accepted events of the agents linked here are published to the other
 *       controllers, which take them in as their own agents' ({@link LiveAgents} names this
 *       controller as the one they are linked to): the leader's table of connected agents, their
 *       health and probes cover the whole cluster.</li>
 *   <li>{@link #request} is the other end, for {@link AgentRequests} on the leader.</li>
 * </ul>
 * The clustered Vert.x runs its own event loops: everything on the clustered bus happens on one
 * context of it, everything touching the bridge, {@link LiveAgents} or this controller's bus on
 * the controller's context, and the two hand over with {@code runOnContext}.
 */
public final class AgentRelay implements AgentRequests.Relay {
    private static final Logger LOG = Logger.getLogger(AgentRelay.class.getName());
    static final String RELAY_PREFIX = "apim-fleet.relay.";
    static final String HEARTBEATS = "apim-fleet.agents.heartbeat";
    static final String EVENTS = "apim-fleet.agents.event";
    /** The controller (its API address) whose bridge a passed-on heartbeat or event came over. */
    static final String HOLDER = "apim-fleet-holder";
    /** That controller's member id, so that a controller skips what it published itself. */
    static final String HOLDER_ID = "apim-fleet-holder-id";
    /** How long the holder waits for the agent's reply, in milliseconds: the leader's timeout for the request. */
    static final String TIMEOUT = "apim-fleet-timeout-ms";
    /** The longest wait a relayed request may ask for. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** The leader waits this much longer than the holder, so that the holder's answer (a timeout too) arrives first. */
    static final Duration MARGIN = Duration.ofSeconds(2);
    /** Failure codes of a relayed request the holder answers with: the agent's own failures keep theirs. */
    static final int REFUSED = -400;
    static final int AGENT_TIMEOUT = -408;
    static final int NOT_LINKED = -404;

    private final Vertx clustered;
    private final Context clusterContext;
    private final EventBus local;
    private final Context controllerContext;
    private final AgentBridge bridge;
    private final String holder;
    private final String holderId;
    /** The relay consumers of the agents linked here (cluster context only). */
    private final Map<String, MessageConsumer<Object>> relays = new HashMap<>();
    private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
    private boolean closed;

    /**
     * @param clustered         the clustered Vert.x ({@code ControllerCluster.vertx()})
     * @param local             this controller's own Vert.x, whose bus the bridge serves
     * @param controllerContext the context the bridge and {@code live} are confined to
     * @param holder            how the other controllers name this one (its API address)
     * @param holderId          this member's unique id in the cluster
     */
    private AgentRelay(Vertx clustered, Vertx local, Context controllerContext, AgentBridge bridge, String holder, String holderId) {
        this.clustered = clustered;
        this.clusterContext = clustered.getOrCreateContext();
        this.local = local.eventBus();
        this.controllerContext = controllerContext;
        this.bridge = bridge;
        this.holder = holder;
        this.holderId = holderId;
    }

    /**
     * Starts taking in what the other controllers pass on, and follows {@code live} to drop the
     * relay of an agent whose link here ends. Call on the controller's context; completes there.
     */
    public static Future<AgentRelay> start(Vertx clustered, Vertx local, Context controllerContext, AgentBridge bridge, LiveAgents live,
                                           String holder, String holderId) {
        AgentRelay relay = new AgentRelay(clustered, local, controllerContext, bridge, holder, holderId);
        live.onUnlinked(relay::unlinked);
        Promise<Void> listening = Promise.promise();
        relay.clusterContext.runOnContext(v -> {
            MessageConsumer<Object> heartbeats = clustered.eventBus().consumer(HEARTBEATS, relay::passedOnHeartbeat);
            MessageConsumer<Object> events = clustered.eventBus().consumer(EVENTS, relay::passedOnEvent);
            relay.consumers.add(heartbeats);
            relay.consumers.add(events);
            Future.all(heartbeats.completion(), events.completion()).<Void>mapEmpty().onComplete(listening);
        });
        return Future.fromCompletionStage(listening.future().toCompletionStage(), controllerContext).map(relay);
    }

    // ------------------------------------------------------------------ the holder's side

    /** A heartbeat of an agent linked here (controller context): keep its relay, pass the heartbeat on. */
    void heartbeatHere(String node, Object body) {
        clusterContext.runOnContext(v -> {
            if (closed) {
                return;
            }
            MessageConsumer<Object> relay = relays.get(node);
            if (relay == null) {
                relay = clustered.eventBus().consumer(RELAY_PREFIX + node, message -> relay(node, message));
                relays.put(node, relay);
            }
            // a new relay first registers in the cluster manager: a controller that sees the agent connected can reach it
            relay.completion().onComplete(registered -> clustered.eventBus().publish(HEARTBEATS, body, passedOn(node)));
        });
    }

    /** An event an agent linked here sent, accepted by the bridge (controller context): pass it on. */
    void eventHere(String node, JsonObject body) {
        clusterContext.runOnContext(v -> {
            if (!closed) {
                clustered.eventBus().publish(EVENTS, body, passedOn(node));
            }
        });
    }

    private DeliveryOptions passedOn(String node) {
        return new DeliveryOptions().addHeader(Addresses.VERIFIED_NODE, node).addHeader(HOLDER, holder).addHeader(HOLDER_ID, holderId);
    }

    /** The agent's link here ended (controller context): no more requests for it through this controller. */
    private void unlinked(String node) {
        clusterContext.runOnContext(v -> {
            MessageConsumer<Object> relay = relays.remove(node);
            if (relay != null) {
                relay.unregister();
            }
        });
    }

    /** A request for {@code node} from another controller (cluster context). */
    private void relay(String node, Message<Object> message) {
        long epoch = number(message.headers().get(Addresses.EPOCH));
        String kind = message.headers().get(Addresses.KIND);
        if (epoch <= 0 || !isKind(kind) || !(message.body() instanceof JsonObject body)) {
            LOG.info("a request relayed for agent " + node + " was refused: " + (epoch <= 0 ? "no leadership epoch" : "no request kind or body"));
            message.fail(REFUSED, "controller " + holder + " relays only requests stamped with a leadership epoch and a request kind: nothing was sent to agent " + node);
            return;
        }
        long within = Math.min(Math.max(1, number(message.headers().get(TIMEOUT))), MAX_TIMEOUT.toMillis());
        // a fresh set of headers: only the epoch and the kind go on to the agent, never what else a relayed message carries
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(within)
                .addHeader(Addresses.KIND, kind).addHeader(Addresses.EPOCH, Long.toString(epoch));
        controllerContext.runOnContext(v -> local.<Object>request(Addresses.commands(node), body, options)
                .onComplete(result -> clusterContext.runOnContext(w -> answer(node, message, result.succeeded() ? result.result() : null, result.cause()))));
    }

    /** Passes the agent's reply (or failure) back to the controller that relayed the request (cluster context). */
    private void answer(String node, Message<Object> relayed, Message<Object> reply, Throwable failure) {
        if (reply != null) {
            DeliveryOptions options = new DeliveryOptions();
            String verified = reply.headers().get(Addresses.VERIFIED_NODE);   // stamped by the bridge on the agent's own reply
            if (verified != null) {
                options.addHeader(Addresses.VERIFIED_NODE, verified);
            }
            relayed.reply(reply.body(), options);
            return;
        }
        if (failure instanceof ReplyException refused) {
            switch (refused.failureType()) {
                case TIMEOUT -> relayed.fail(AGENT_TIMEOUT, "agent " + node + " did not answer in time");
                case NO_HANDLERS -> relayed.fail(NOT_LINKED, "agent " + node + " is no longer linked to controller " + holder);
                default -> relayed.fail(refused.failureCode(), String.valueOf(refused.getMessage()));
            }
            return;
        }
        relayed.fail(-500, "controller " + holder + " could not send the request on to agent " + node);
    }

    // ------------------------------------------------------------------ what the other controllers pass on

    private void passedOnHeartbeat(Message<Object> message) {
        String node = passedOnNode(message);
        if (node != null) {
            String from = message.headers().get(HOLDER);
            Object body = message.body();
            controllerContext.runOnContext(v -> bridge.relayedHeartbeat(node, body, from));
        }
    }

    private void passedOnEvent(Message<Object> message) {
        String node = passedOnNode(message);
        if (node != null && message.body() instanceof JsonObject body) {
            controllerContext.runOnContext(v -> bridge.relayedEvent(node, body));
        }
    }

    /** The node a message passed on by another controller is about; null for this controller's own, or a malformed one. */
    private String passedOnNode(Message<Object> message) {
        if (holderId.equals(message.headers().get(HOLDER_ID)) || message.headers().get(HOLDER) == null) {
            return null;
        }
        String node = message.headers().get(Addresses.VERIFIED_NODE);
        return node != null && AgentBridge.isAgentName(node) ? node : null;
    }

    // ------------------------------------------------------------------ the leader's side

    @Override
    public Future<Message<Object>> request(String node, JsonObject body, AgentRequest.Kind kind, long epoch, Duration within) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(within.plus(MARGIN).toMillis())
                .addHeader(Addresses.KIND, kind.name()).addHeader(Addresses.EPOCH, Long.toString(epoch))
                .addHeader(TIMEOUT, Long.toString(within.toMillis()));
        Promise<Message<Object>> answered = Promise.promise();
        clusterContext.runOnContext(v -> clustered.eventBus().<Object>request(RELAY_PREFIX + node, body, options)
                .onComplete(result -> controllerContext.runOnContext(w -> {
                    if (result.succeeded()) {
                        answered.complete(result.result());
                    } else {
                        answered.fail(asAgentFailure(result.cause()));
                    }
                })));
        return Future.fromCompletionStage(answered.future().toCompletionStage(), controllerContext);
    }

    /** The holder's answer as the failure the agent's own bus would have given. */
    private static Throwable asAgentFailure(Throwable failure) {
        if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return switch (reply.failureCode()) {
                case AGENT_TIMEOUT -> new ReplyException(ReplyFailure.TIMEOUT, reply.getMessage());
                case NOT_LINKED -> new ReplyException(ReplyFailure.NO_HANDLERS, reply.getMessage());
                default -> reply;
            };
        }
        return failure;
    }

    /** Stops relaying and passing on (controller context): the consumers leave the clustered bus. */
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        clusterContext.runOnContext(v -> {
            closed = true;
            List<Future<Void>> leaving = new ArrayList<>();
            relays.values().forEach(c -> leaving.add(c.unregister()));
            consumers.forEach(c -> leaving.add(c.unregister()));
            relays.clear();
            Future.join(leaving).<Void>mapEmpty().recover(f -> Future.succeededFuture()).onComplete(done);
        });
        return Future.fromCompletionStage(done.future().toCompletionStage(), controllerContext);
    }

    private static boolean isKind(String kind) {
        if (kind == null) {
            return false;
        }
        try {
            AgentRequest.Kind.valueOf(kind);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
