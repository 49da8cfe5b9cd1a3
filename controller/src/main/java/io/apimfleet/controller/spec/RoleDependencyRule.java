package io.apimfleet.controller.spec;

import java.util.List;

/** Every role a present role needs ({@link Role#requires()}) has at least one node. */
final class RoleDependencyRule implements SpecRule {

    @Override
    public void check(ClusterSpec spec, Findings findings) {
        if (!SpecRule.allRolesKnown(spec)) {
            return;
        }
        for (Role needed : Role.values()) {
            if (!spec.nodesWithRole(needed).isEmpty()) {
                continue;
            }
            List<Role> dependents = spec.rolesInUse().stream().filter(role -> role.requires().contains(needed)).toList();
            if (!dependents.isEmpty()) {
                int first = firstNodeWithRoleIn(spec, dependents);
                findings.add(FieldPath.node(first, "role"), "no node has role " + needed + ", which "
                        + Words.and(dependents) + (dependents.size() == 1 ? " needs" : " need")
                        + "; add a node with role: " + needed);
            }
        }
    }

    private static int firstNodeWithRoleIn(ClusterSpec spec, List<Role> roles) {
        for (int i = 0; i < spec.nodes().size(); i++) {
            if (roles.contains(spec.nodes().get(i).role())) {
                return i;
            }
        }
        throw new IllegalStateException("a role in use has no node");
    }
}
