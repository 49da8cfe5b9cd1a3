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
 */
public final class AgentRequests {
    private final EventBus eventBus;
    private final LiveAgents live;
    private final FleetMetrics metrics;
    private final Duration timeout;
    private final LongSupplier epoch;
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
        Future<AgentReply> reply = eventBus.<Object>request(Addresses.commands(node), body, options)
                .transform(result -> {
                    if (result.succeeded()) {
                        return decode(node, result.result());
                    }
                    return Future.failedFuture(translate(node, kind, result.cause()));
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

    private Throwable translate(String node, String kind, Throwable cause) {
        if (cause instanceof ReplyException reply) {
            return switch (reply.failureType()) {
                case TIMEOUT -> new AgentRequestFailed(AgentRequestFailed.Reason.TIMEOUT,
                        "agent " + node + " did not answer the " + kind + " request within " + human(timeoutFor(AgentRequest.Kind.valueOf(kind.toUpperCase(Locale.ROOT)))));
                case NO_HANDLERS -> new AgentRequestFailed(AgentRequestFailed.Reason.NOT_CONNECTED,
                        "agent " + node + " is not listening for requests (not connected)");
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
