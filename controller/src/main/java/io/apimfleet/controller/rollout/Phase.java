package io.apimfleet.controller.rollout;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;

import java.util.ArrayList;
import java.util.List;

/** One step of the start order: the nodes of one role, applied and started together. */
public record Phase(String name, List<String> nodes) {
    public Phase {
        nodes = List.copyOf(nodes);
    }

    /** The name of the first phase, when the spec has a load balancer with something to front. */
    public static final String LOAD_BALANCER = Role.LOAD_BALANCER.yamlName();

    /**
     * The phases of a spec: the load balancer first (when a role is doubled, so it has something
     * to front), then its API-M roles in {@code rollout.order}, each with its nodes in spec order;
     * a role without nodes has no phase.
     */
    static List<Phase> of(ClusterSpec spec) {
        List<Phase> phases = new ArrayList<>();
        if (fronts(spec)) {
            phases.add(new Phase(LOAD_BALANCER, List.of(spec.loadBalancerNode().orElseThrow().name())));
        }
        for (Role role : spec.rollout().order()) {
            List<String> nodes = spec.nodes().stream().filter(n -> n.role() == role).map(Node::name).toList();
            if (!nodes.isEmpty()) {
                phases.add(new Phase(role.yamlName(), nodes));
            }
        }
        return phases;
    }

    /** Whether the spec's load balancer has work: a node to run on and a doubled role to front. */
    static boolean fronts(ClusterSpec spec) {
        return spec.loadBalancerNode().isPresent() && Role.apimRoles().stream().anyMatch(spec::isDoubled);
    }
}
