package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;

import static io.apimfleet.controller.recipe.ApiManagerXml.BLOCK_CONDITION;
import static io.apimfleet.controller.recipe.ApiManagerXml.JMS;
import static io.apimfleet.controller.recipe.ApiManagerXml.POLICY_DEPLOYER_URL;
import static io.apimfleet.controller.recipe.ApiManagerXml.STORE_DISPLAY_URL;
import static io.apimfleet.controller.recipe.ApiManagerXml.STORE_URL;

/** Publisher: publishes APIs to every gateway and throttling policies to the traffic manager. */
final class PublisherRecipe implements RoleRecipe {
    @Override
    public void apply(Topology topology, Node node, Steps steps) {
        ApiManagerXml.keyManagerClient(topology, Role.PUBLISHER, steps);
        ApiManagerXml.trafficManagerPublisher(topology, steps);
        ApiManagerXml.of(steps)
                .set(POLICY_DEPLOYER_URL, Topology.servicesUrl(topology.first(Role.TRAFFIC_MANAGER)))
                .set(BLOCK_CONDITION, "false")
                .set(JMS, "false");
        ApiManagerXml.gatewayEnvironments(topology, steps);
        if (!topology.nodes(Role.STORE).isEmpty()) {
            ApiManagerXml.of(steps)
                    .set(STORE_DISPLAY_URL, "true")
                    .set(STORE_URL, topology.managementUrl(Role.STORE) + "/store");
        }
        steps.property(ApimFiles.JNDI, "connectionfactory.TopicConnectionFactory", topology.brokerUrl("clientid", "carbon"));
    }
}
