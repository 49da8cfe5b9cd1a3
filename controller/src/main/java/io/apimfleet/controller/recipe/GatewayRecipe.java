package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;

import static io.apimfleet.controller.recipe.ApiManagerXml.JMS;
import static io.apimfleet.controller.recipe.ApiManagerXml.JMS_TOPIC_FACTORY;
import static io.apimfleet.controller.recipe.ApiManagerXml.KEY_VALIDATOR_CLIENT;
import static io.apimfleet.controller.recipe.ApiManagerXml.KEY_VALIDATOR_URL;
import static io.apimfleet.controller.recipe.ApiManagerXml.POLICY_DEPLOYER;
import static io.apimfleet.controller.recipe.ApiManagerXml.THRIFT_CLIENT_PORT;
import static io.apimfleet.controller.recipe.ApiManagerXml.THRIFT_SERVER_HOST;

/**
 * Gateway worker: validates keys at the key manager (Thrift to a single one; web services through
 * the load balancer to doubled ones, as Thrift cannot be load-balanced), sends throttling events
 * to the traffic managers and listens to their JMS topic. {@code APIKeyValidator/ServerURL} also
 * drives the OAuth proxy APIs ({@code /token}, {@code /revoke}, ...), so it must be reachable.
 */
final class GatewayRecipe implements RoleRecipe {
    @Override
    public void apply(Topology topology, Node node, Steps steps) {
        Steps.Xml apiManager = ApiManagerXml.of(steps).set(KEY_VALIDATOR_URL, topology.servicesUrl(Role.KEY_MANAGER));
        if (topology.doubled(Role.KEY_MANAGER)) {
            apiManager.set(KEY_VALIDATOR_CLIENT, "WSClient");
        } else {
            Node keyManager = topology.first(Role.KEY_MANAGER);
            apiManager.set(KEY_VALIDATOR_CLIENT, "ThriftClient")
                    .set(THRIFT_SERVER_HOST, keyManager.host())
                    .enable(THRIFT_CLIENT_PORT, Integer.toString(ApimPort.THRIFT.on(keyManager)));
        }
        ApiManagerXml.trafficManagerPublisher(topology, steps);
        apiManager.set(POLICY_DEPLOYER, "false")
                .set(JMS, "true")
                .set(JMS_TOPIC_FACTORY, topology.brokerUrl("clientid", "carbon"));
    }
}
