package io.apimfleet.controller.spec;

import java.util.Objects;

/** One family of checks over a loaded spec; each rule reports through {@link Findings}. */
interface SpecRule {
    void check(ClusterSpec spec, Findings findings);

    /**
     * False when some node's role is missing or unknown (already reported): rules that count roles
     * then stay silent rather than pile consequences onto one typo.
     */
    static boolean allRolesKnown(ClusterSpec spec) {
        return spec.nodes().stream().map(Node::role).allMatch(Objects::nonNull);
    }
}
