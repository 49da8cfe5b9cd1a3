package io.apimfleet.controller.spec;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The start order names each API-M role in use once, and nothing else; the limits make sense. */
final class RolloutRules implements SpecRule {

    @Override
    public void check(ClusterSpec spec, Findings findings) {
        Rollout rollout = spec.rollout();
        List<Role> order = rollout.order();
        Set<Role> seen = EnumSet.noneOf(Role.class);
        for (int i = 0; i < order.size(); i++) {
            Role role = order.get(i);
            String path = FieldPath.index("rollout.order", i);
            if (role == Role.LOAD_BALANCER) {
                findings.add(path, "rollout.order names load-balancer, which is always configured first, "
                        + "in a phase of its own; remove it");
            } else if (!seen.add(role)) {
                findings.add(path, "rollout.order names " + role + " twice; name each role once");
            }
        }
        if (SpecRule.allRolesKnown(spec)) {
            List<Role> missing = spec.rolesInUse().stream().filter(r -> r.isApim() && !order.contains(r)).toList();
            if (!missing.isEmpty()) {
                findings.add("rollout.order", "rollout.order leaves out " + Words.and(missing)
                        + ", which the spec has nodes for; add " + (missing.size() == 1 ? "it" : "them")
                        + ", e.g. order: [" + String.join(", ", Rollout.DEFAULT_ORDER.stream().map(Role::yamlName)
                        .toList()) + "]");
            }
        }
        if (rollout.maxUnavailable() < 1) {
            findings.add("rollout.maxUnavailable", "rollout.maxUnavailable must be at least 1");
        }
        if (rollout.healthyDeadline().isZero()) {
            findings.add("rollout.healthyDeadline", "rollout.healthyDeadline must be longer than 0s");
        }
        if (rollout.probeInterval().toMillis() < 100 || rollout.probeInterval().compareTo(Duration.ofMinutes(1)) > 0) {
            findings.add("rollout.probeInterval", "rollout.probeInterval must be between 100ms and 1m, not "
                    + Durations.format(rollout.probeInterval()));
        }
    }
}
