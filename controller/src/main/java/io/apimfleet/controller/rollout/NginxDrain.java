package io.apimfleet.controller.rollout;

import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * nginx's drain (open-source nginx has no runtime API): the load balancer's bundle rendered with
 * the node marked {@code down} is applied on top of the current one and nginx reloaded; new
 * requests go to the twins at once, while the old workers finish what they were serving. Putting
 * the node back rolls those drain revisions back on the load balancer's host, byte for byte, and
 * reloads again, so its applied history is what it was before the drain.
 */
final class NginxDrain implements LoadBalancerDrain {
    /** The old workers' in-flight requests to the node get this long to finish after the reload. */
    static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final AgentRequests requests;
    private final RenderedCluster rendered;
    private final String balancer;
    private final Set<String> drained = new TreeSet<>();
    /** Drain revisions applied on top of the load balancer's own bundle, to roll back when the last node is back. */
    private int applied;

    NginxDrain(Vertx vertx, AgentRequests requests, RenderedCluster rendered, String balancer) {
        this.vertx = vertx;
        this.requests = requests;
        this.rendered = rendered;
        this.balancer = balancer;
    }

    @Override
    public ClusterSpec spec() {
        return rendered.spec();
    }

    @Override
    public Future<Void> takeOut(String node) {
        drained.add(node);
        return applyDrained().compose(v -> timer(IN_FLIGHT_GRACE));
    }

    @Override
    public Future<Void> putBack(String node, Duration deadline) {
        drained.remove(node);
        return drained.isEmpty() ? rollBackDrains() : applyDrained();
    }

    /** The load-balancer phase applied the bundle without a {@code down} server, and reloaded if a drain was left behind. */
    @Override
    public Future<Void> restoreAll() {
        return Future.succeededFuture();
    }

    private Future<Void> applyDrained() {
        AgentRequest apply = AgentRequest.withSecrets(AgentRequest.Kind.APPLY, rendered.balancerDraining().apply(Set.copyOf(drained)),
                rendered.secrets().get(balancer));
        return Rollouts.bundleReply(balancer, "the drain of " + drained, requests.request(balancer, apply))
                .compose(result -> {
                    if (result.changed()) {
                        applied++;
                    }
                    return reload();
                });
    }

    private Future<Void> rollBackDrains() {
        if (applied == 0) {
            return Future.succeededFuture();
        }
        applied--;
        return Rollouts.reply(balancer, "the rollback of a drain", requests.request(balancer, AgentRequest.rollback(rendered.revision())))
                .compose(v -> rollBackDrains())
                .compose(v -> applied == 0 ? reload() : Future.succeededFuture());
    }

    private Future<Void> reload() {
        return Rollouts.hostReply(balancer, "reload", requests.request(balancer, AgentRequest.of(AgentRequest.Kind.RELOAD))).mapEmpty();
    }

    private Future<Void> timer(Duration delay) {
        Promise<Void> done = Promise.promise();
        vertx.setTimer(delay.toMillis(), id -> done.complete());
        return done.future();
    }
}
