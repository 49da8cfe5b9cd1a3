package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;

import static io.apimfleet.controller.recipe.ApiManagerXml.DATA_PUBLISHER;
import static io.apimfleet.controller.recipe.ApiManagerXml.REVOKE_URL;
import static io.apimfleet.controller.recipe.ApiManagerXml.THRIFT_SERVER;
import static io.apimfleet.controller.recipe.ApiManagerXml.THRIFT_SERVER_HOST;

/** Key Manager: serves key validation (Thrift) and tokens; tells gateways to drop cached keys. */
final class KeyManagerRecipe implements RoleRecipe {
    @Override
    public void apply(Topology topology, Node node, Steps steps) {
        ApiManagerXml.gatewayEnvironments(topology, steps);
        ApiManagerXml.of(steps)
                .set(THRIFT_SERVER, "true")
                .set(THRIFT_SERVER_HOST, Topology.ownAddress(node))   // unset, it would bind to HostName: the endpoint when doubled
                .set(DATA_PUBLISHER, "false");
        if (!topology.nodes(Role.GATEWAY).isEmpty()) {   // without gateways (yet) there is nothing to revoke at
            ApiManagerXml.of(steps).set(REVOKE_URL, topology.revokeUrl());
        }
    }
}
