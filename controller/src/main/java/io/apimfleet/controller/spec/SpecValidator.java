package io.apimfleet.controller.spec;

import java.util.List;

/**
 * The rules across fields and nodes that a well-formed spec must also meet: names, addresses and
 * port collisions, roles a role needs, the load balancer and its endpoints, the rollout order.
 */
public final class SpecValidator {
    private static final List<SpecRule> RULES = List.of(
            new SettingsRules(),
            new NodeRules(),
            new PortCollisionRule(),
            new RoleDependencyRule(),
            new LoadBalancerRules(),
            new RolloutRules());

    private SpecValidator() {
    }

    /** The problems of a loaded spec, beyond those the loader found; none when it could not be read. */
    public static List<Problem> validate(LoadedSpec loaded) {
        if (loaded.spec() == null) {
            return List.of();
        }
        Findings findings = new Findings(loaded.sourceMap(), loaded.reportedPaths());
        RULES.forEach(rule -> rule.check(loaded.spec(), findings));
        return findings.problems();
    }
}
