package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;

/**
 * Traffic Manager: runs on its own registry and axis2 configuration, which the product ships as
 * {@code registry_TM.xml} and {@code axis2_TM.xml}. The swap comes first, so every later step
 * edits the files as they are after it.
 */
final class TrafficManagerRecipe implements RoleRecipe {
    /** Runs before the steps every node gets. */
    static void swapConfiguration(Steps steps) {
        steps.move(ApimFiles.REGISTRY_TM, ApimFiles.REGISTRY)
                .move(ApimFiles.AXIS2_TM, ApimFiles.AXIS2);
    }

    @Override
    public void apply(Topology topology, Node node, Steps steps) {
        steps.xml(ApimFiles.REGISTRY).set("/wso2registry/indexingConfiguration/startIndexing", "false");
    }
}
