package io.apimfleet.controller.bridge;

import io.apimfleet.protocol.link.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The reply addresses the controller handed to each agent. An outbound event-bus interceptor sees
 * every message sent to {@code fleet.agent.<node>.…} with a reply address and remembers it for
 * that node; the bridge handler lets an agent send to a reply address only when it was given to
 * that agent, once, within the request timeout. (The TCP bridge raises no event for the frames it
 * writes to a socket, so this is where the controller learns what it gave. On top of this check the
 * bridge's own per-socket reply table applies, which is why {@code __vertx.reply.} must never be in
 * a {@code PermittedOptions} rule.)
 */
final class GivenReplies implements Handler<DeliveryContext<Object>> {
    private record Given(String node, long expiresNanos) {
    }

    private final Map<String, Given> given = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier nanoClock;

    GivenReplies(Duration ttl) {
        this(ttl, System::nanoTime);
    }

    GivenReplies(Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    @Override
    public void handle(DeliveryContext<Object> context) {
        Message<Object> message = context.message();
        String replyAddress = message.replyAddress();
        if (replyAddress != null) {
            String node = nodeOf(message.address());
            if (node != null) {
                given.put(replyAddress, new Given(node, nanoClock.getAsLong() + ttlNanos));
            }
        }
        context.next();
    }

    /** True (and forgotten: a reply is used once) when {@code address} was given to {@code node} and is still fresh. */
    boolean take(String address, String node) {
        Given entry = given.get(address);
        if (entry == null || !entry.node().equals(node)) {
            return false;
        }
        given.remove(address, entry);
        return nanoClock.getAsLong() - entry.expiresNanos() <= 0;
    }

    /** Forgets the addresses whose request has timed out. */
    void expire() {
        long now = nanoClock.getAsLong();
        given.values().removeIf(g -> now - g.expiresNanos() > 0);
    }

    int size() {
        return given.size();
    }

    /** {@code km1} for {@code fleet.agent.km1.cmd}; null for any other address. */
    static String nodeOf(String address) {
        if (address == null || !address.startsWith(Addresses.AGENT_PREFIX)) {
            return null;
        }
        int end = address.indexOf('.', Addresses.AGENT_PREFIX.length());
        return end <= Addresses.AGENT_PREFIX.length() ? null : address.substring(Addresses.AGENT_PREFIX.length(), end);
    }
}
