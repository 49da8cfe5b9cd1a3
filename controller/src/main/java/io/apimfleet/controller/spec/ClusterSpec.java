package io.apimfleet.controller.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole cluster as the user describes it in {@code cluster.yaml}. Obtain one with
 * {@link Specs#check}; only a spec without problems is fit for recipes.
 *
 * @param loadBalancer null when no role is doubled behind a load balancer
 */
public record ClusterSpec(String apiVersion, String cluster, Product product, Admin admin,
                          Databases databases, List<Node> nodes, LoadBalancer loadBalancer,
                          Jvm jvm, Options options, Rollout rollout) {

    public static final String API_VERSION = "apim-fleet/v1";

    public ClusterSpec {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** The nodes playing a role, in spec order. */
    public List<Node> nodesWithRole(Role role) {
        return nodes.stream().filter(node -> node.role() == role).toList();
    }

    public Optional<Node> node(String name) {
        return nodes.stream().filter(node -> Objects.equals(node.name(), name)).findFirst();
    }

    /** True when two or more nodes play the role. */
    public boolean isDoubled(Role role) {
        return nodesWithRole(role).size() >= 2;
    }

    /** The load-balancer endpoint of a role, present for the doubled key-manager, publisher and store. */
    public Optional<Endpoint> endpoint(Role role) {
        return loadBalancer == null ? Optional.empty() : loadBalancer.endpoint(role);
    }

    /** The node that runs the load balancer, if any. */
    public Optional<Node> loadBalancerNode() {
        return loadBalancer == null ? Optional.empty() : node(loadBalancer.node());
    }

    /** The roles at least one node plays, in declaration order of {@link Role}. */
    public List<Role> rolesInUse() {
        return Arrays.stream(Role.values()).filter(role -> !nodesWithRole(role).isEmpty()).toList();
    }
}
