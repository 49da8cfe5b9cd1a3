package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;

/** What one role adds to the steps every API-M node gets. */
@FunctionalInterface
interface RoleRecipe {
    void apply(Topology topology, Node node, Steps steps);
}
