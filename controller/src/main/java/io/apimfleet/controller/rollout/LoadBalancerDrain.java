package io.apimfleet.controller.rollout;

import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.LoadBalancer;
import io.apimfleet.controller.spec.Node;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Optional;

/**
 * Takes a node of a doubled role out of the load balancer before it restarts and puts it back
 * after: HAProxy at runtime ({@link HaproxyDrain}), nginx by a reload of a configuration marking
 * it {@code down} ({@link NginxDrain}).
 */
interface LoadBalancerDrain {
    /** Present when the spec has a load balancer with a doubled role to front. */
    static Optional<LoadBalancerDrain> of(Vertx vertx, AgentRequests requests, RenderedCluster rendered) {
        ClusterSpec spec = rendered.spec();
        if (!Phase.fronts(spec) || rendered.balancerDraining() == null) {
            return Optional.empty();
        }
        String balancer = spec.loadBalancerNode().orElseThrow().name();
        return Optional.of(spec.loadBalancer().kind() == LoadBalancer.Kind.NGINX
                ? new NginxDrain(vertx, requests, rendered, balancer)
                : new HaproxyDrain(vertx, requests, spec, balancer));
    }

    ClusterSpec spec();

    /** Whether the load balancer fronts this node (its role is doubled). */
    default boolean fronts(String node) {
        return spec().node(node).map(Node::role).filter(spec()::isDoubled).isPresent();
    }

    /** No new requests go to the node once this completes; those it was serving had their time to finish. */
    Future<Void> takeOut(String node);

    /** The node is in rotation again (within {@code deadline}, else a {@link RolloutFailure}). */
    Future<Void> putBack(String node, Duration deadline);

    /**
     * Every fronted node back in rotation, whatever an earlier rollout left (its controller may
     * have died with a node drained). Called once the load balancer runs, before the first drain.
     */
    Future<Void> restoreAll();
}
