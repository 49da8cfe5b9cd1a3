package io.apimfleet.controller.rollout;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.bundle.Bundle;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every API-M node's bundle for one spec revision, with its trust material in place, and the
 * secret values each bundle's references need (sent only inside requests to that node's agent).
 *
 * @param balancerDraining the load balancer's bundle with the given nodes out of rotation (for
 *                         nginx, which drains by a reload); null without a load balancer to run
 */
record RenderedCluster(ClusterSpec spec, long revision, Map<String, Bundle> bundles,
                       Map<String, Map<String, String>> secrets, List<String> warnings,
                       Function<Set<String>, Bundle> balancerDraining) {
    RenderedCluster {
        bundles = Map.copyOf(bundles);
        secrets = Map.copyOf(secrets);
        warnings = List.copyOf(warnings);
    }

    /** Never the secret values. */
    @Override
    public String toString() {
        return "RenderedCluster[" + spec.cluster() + " revision " + revision + ", nodes " + bundles.keySet() + "]";
    }
}
