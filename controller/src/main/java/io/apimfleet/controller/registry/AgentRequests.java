package io.apimfleet.controller.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apimfleet.controller.metrics.FleetMetrics;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Requests from the controller to one agent: an {@link AgentRequest} on the agent's command
 * address, answered by an {@link AgentReply} on the reply address (which the bridge lets only that
 * agent use). An agent that is not connected is refused at once; one that does not answer within
 * the timeout fails with {@link AgentRequestFailed.Reason#TIMEOUT}. A reply must carry the
 * verified name of the agent asked. Every request carries the sending controller's leadership
 * epoch ({@link Addresses#EPOCH}).
 *
 * <p>Clustered, with a {@link Relay}: a request for an agent linked to this controller's bridge
 * goes to it as above, and one for an agent linked elsewhere (or whose link here has just closed)
 * goes through the relay to the controller that holds its connection, which sends it on to the
 * agent under the same epoch, kind and timeout and passes the agent's reply back. No controller
 * holding it means not connected.
 */
public final class AgentRequests {
    private final EventBus eventBus;
    private final LiveAgents live;
    private final FleetMetrics metrics;
    private final Duration timeout;
    private final LongSupplier epoch;
    private volatile Relay relay;
    static final Duration PRODUCT_TIMEOUT = Duration.ofSeconds(90);

    /**
     * @param epoch the leadership epoch under which this controller acts, read at each request; 0
     *              while it must not act (a clustered controller that does not lead): nothing is sent
     */
    public AgentRequests(EventBus eventBus, LiveAgents live, FleetMetrics metrics, Duration timeout, LongSupplier epoch) {
        this.eventBus = eventBus;
        this.live = live;
        this.metrics = metrics;
        this.timeout = timeout;
        this.epoch = epoch;
    }

    /**
     * How a request reaches an agent linked to another controller of the cluster.
     */
    public interface Relay {
        /**
         * Sends {@code body} to the controller whose bridge holds {@code node}'s connection, which
         * sends it on to the agent with the same kind, epoch and timeout. Completes with the agent's
         * reply as that controller passed it on ({@link Addresses#VERIFIED_NODE} from the agent's own
         * reply), or fails with a {@link ReplyException}: {@code NO_HANDLERS} when no controller holds
         * the agent, {@code TIMEOUT}, or {@code RECIPIENT_FAILURE} with the agent's message.
         */
        Future<Message<Object>> request(String node, JsonObject body, AgentRequest.Kind kind, long epoch, Duration within);
    }

    /** Clustered, once in the cluster: agents linked to other controllers are reached through {@code relay}. */
    public void relayThrough(Relay relay) {
        this.relay = relay;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * How long a request of this kind may take: stopping a product may take the agent's stop
     * timeout (30 s) and its kill wait (10 s) before a start, so those get at least 90 s.
     */
    Duration timeoutFor(AgentRequest.Kind kind) {
        return switch (kind) {
            case STOP, RESTART, START, ROLLBACK -> timeout.compareTo(PRODUCT_TIMEOUT) > 0 ? timeout : PRODUCT_TIMEOUT;
            default -> timeout;
        };
    }

    public Future<AgentReply> request(String node, AgentRequest request) {
        long started = System.nanoTime();
        String kind = request.kind().name().toLowerCase(Locale.ROOT);
        long actingEpoch = epoch.getAsLong();
        if (actingEpoch <= 0) {
            // a clustered controller that does not lead (or no longer does) must not act on a host
            return finish(request, started, Future.failedFuture(new AgentRequestFailed(AgentRequestFailed.Reason.NOT_LEADER,
                    "this controller does not lead its controller cluster: it sends nothing to agent " + node)));
        }
        if (!live.isConnected(node)) {
            return finish(request, started, Future.failedFuture(new AgentRequestFailed(AgentRequestFailed.Reason.NOT_CONNECTED,
                    "agent " + node + " is not connected (no heartbeat in the last " + human(live.timeout()) + ")")));
        }
        JsonObject body;
        try {
            body = new JsonObject(Json.mapper().writeValueAsString(request));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(new IllegalArgumentException("cannot encode the request: " + e.getMessage(), e));
        }
        Duration within = timeoutFor(request.kind());
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(within.toMillis()).addHeader(Addresses.KIND, request.kind().name())
                .addHeader(Addresses.EPOCH, Long.toString(actingEpoch));
        Relay through = relay;
        Future<Message<Object>> sent;
        if (through == null || live.isLinkedHere(node)) {
            sent = eventBus.request(Addresses.commands(node), body, options);
            if (through != null) {
                // its link here closed a moment ago: it may be linked to another controller already
                sent = sent.recover(failure -> noHandlers(failure)
                        ? through.request(node, body, request.kind(), actingEpoch, within)
                        : Future.failedFuture(failure));
            }
        } else {
            sent = through.request(node, body, request.kind(), actingEpoch, within);
        }
        Future<AgentReply> reply = sent.transform(result -> {
            if (result.succeeded()) {
                return decode(node, result.result());
            }
            return Future.failedFuture(translate(node, kind, result.cause(), through != null));
        });
        return finish(request, started, reply);
    }

    private Future<AgentReply> finish(AgentRequest request, long started, Future<AgentReply> reply) {
        return reply.andThen(result -> {
            String outcome;
            if (result.succeeded()) {
                outcome = result.result().ok() ? "ok" : "refused";
            } else if (result.cause() instanceof AgentRequestFailed failed) {
                outcome = failed.reason().code();
            } else {
                outcome = "failed";
            }
            metrics.agentRequest(request.kind(), outcome, Duration.ofNanos(System.nanoTime() - started));
        });
    }

    private static Future<AgentReply> decode(String node, Message<Object> message) {
        String from = message.headers().get(Addresses.VERIFIED_NODE);
        if (!node.equals(from)) {
            return Future.failedFuture(new AgentRequestFailed(AgentRequestFailed.Reason.FAILED,
                    "the answer to a request for " + node + " came from " + (from == null ? "an unverified sender" : from)));
        }
        Object body = message.body();
        try {
            String json = body instanceof JsonObject object ? object.encode() : String.valueOf(body);
            return Future.succeededFuture(Json.mapper().readValue(json, AgentReply.class));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(new AgentRequestFailed(AgentRequestFailed.Reason.FAILED,
                    "agent " + node + " answered with something that is not an AgentReply: " + e.getOriginalMessage()));
        }
    }

    private static boolean noHandlers(Throwable failure) {
        return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
    }

    private Throwable translate(String node, String kind, Throwable cause, boolean clustered) {
        if (cause instanceof ReplyException reply) {
            return switch (reply.failureType()) {
                case TIMEOUT -> new AgentRequestFailed(AgentRequestFailed.Reason.TIMEOUT,
                        "agent " + node + " did not answer the " + kind + " request within " + human(timeoutFor(AgentRequest.Kind.valueOf(kind.toUpperCase(Locale.ROOT)))));
                case NO_HANDLERS -> new AgentRequestFailed(AgentRequestFailed.Reason.NOT_CONNECTED,
                        "agent " + node + " is not listening for requests (not connected" + (clustered ? " to any controller of the cluster)" : ")"));
                case RECIPIENT_FAILURE, ERROR -> new AgentRequestFailed(AgentRequestFailed.Reason.FAILED,
                        "agent " + node + " failed the " + kind + " request: " + reply.getMessage());
            };
        }
        return cause;
    }

    /** {@code 30 s}, or {@code 500 ms} under a second. */
    static String human(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
