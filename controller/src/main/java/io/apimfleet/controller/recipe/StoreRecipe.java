package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;

import static io.apimfleet.controller.recipe.ApiManagerXml.ADVANCED_THROTTLING;
import static io.apimfleet.controller.recipe.ApiManagerXml.BLOCK_CONDITION;
import static io.apimfleet.controller.recipe.ApiManagerXml.DATA_PUBLISHER;
import static io.apimfleet.controller.recipe.ApiManagerXml.JMS;
import static io.apimfleet.controller.recipe.ApiManagerXml.REVOKE_URL;

/** Store (Developer Portal): subscriptions and keys through the key manager, APIs on the gateways. */
final class StoreRecipe implements RoleRecipe {
    @Override
    public void apply(Topology topology, Node node, Steps steps) {
        ApiManagerXml.keyManagerClient(topology, Role.STORE, steps);
        ApiManagerXml.of(steps)
                .set(ADVANCED_THROTTLING, "true")
                .set(DATA_PUBLISHER, "false")
                .set(BLOCK_CONDITION, "false")
                .set(JMS, "false")
                .set(REVOKE_URL, topology.revokeUrl());
        ApiManagerXml.gatewayEnvironments(topology, steps);
    }
}
