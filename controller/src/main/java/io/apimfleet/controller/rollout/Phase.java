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

    /**
     * The phases of a spec: its API-M roles in {@code rollout.order}, each with its nodes in spec
     * order; a role without nodes has no phase.
     */
    static List<Phase> of(ClusterSpec spec) {
        List<Phase> phases = new ArrayList<>();
        for (Role role : spec.rollout().order()) {
            List<String> nodes = spec.nodes().stream().filter(n -> n.role() == role).map(Node::name).toList();
            if (!nodes.isEmpty()) {
                phases.add(new Phase(role.yamlName(), nodes));
            }
        }
        return phases;
    }
}
