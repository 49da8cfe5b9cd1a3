package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.bundle.Anchor;

import java.util.List;

/** The XPaths of {@code api-manager.xml} the recipes set, and the edits several roles share. */
final class ApiManagerXml {
    static final String ROOT = "/APIManager";
    static final String AUTH_MANAGER_URL = ROOT + "/AuthManager/ServerURL";
    static final String KEY_VALIDATOR = ROOT + "/APIKeyValidator";
    static final String KEY_VALIDATOR_URL = KEY_VALIDATOR + "/ServerURL";
    static final String KEY_VALIDATOR_CLIENT = KEY_VALIDATOR + "/KeyValidatorClientType";
    static final String THRIFT_CLIENT_PORT = KEY_VALIDATOR + "/ThriftClientPort";
    static final String THRIFT_SERVER_HOST = KEY_VALIDATOR + "/ThriftServerHost";
    static final String THRIFT_SERVER = KEY_VALIDATOR + "/EnableThriftServer";
    static final String ENVIRONMENTS = ROOT + "/APIGateway/Environments";
    static final String THROTTLING = ROOT + "/ThrottlingConfigurations";
    static final String ADVANCED_THROTTLING = THROTTLING + "/EnableAdvanceThrottling";
    static final String RECEIVER_URL_GROUP = THROTTLING + "/TrafficManager/ReceiverUrlGroup";
    static final String AUTH_URL_GROUP = THROTTLING + "/TrafficManager/AuthUrlGroup";
    static final String DATA_PUBLISHER = THROTTLING + "/DataPublisher/Enabled";
    static final String POLICY_DEPLOYER = THROTTLING + "/PolicyDeployer/Enabled";
    static final String POLICY_DEPLOYER_URL = THROTTLING + "/PolicyDeployer/ServiceURL";
    static final String BLOCK_CONDITION = THROTTLING + "/BlockCondition/Enabled";
    static final String JMS = THROTTLING + "/JMSConnectionDetails/Enabled";
    static final String JMS_TOPIC_FACTORY = THROTTLING + "/JMSConnectionDetails/JMSConnectionParameters/connectionfactory.TopicConnectionFactory";
    static final String STORE_DISPLAY_URL = ROOT + "/APIStore/DisplayURL";
    static final String STORE_URL = ROOT + "/APIStore/URL";
    static final String REVOKE_URL = ROOT + "/OAuthConfigurations/RevokeAPIURL";
    static final String JWT_GENERATION = ROOT + "/JWTConfiguration/EnableJWTGeneration";

    private ApiManagerXml() {
    }

    static Steps.Xml of(Steps steps) {
        return steps.xml(ApimFiles.API_MANAGER);
    }

    /**
     * One environment per gateway: the shipped one becomes the first gateway's (edited in
     * place), the others are added after it. A cluster without gateways keeps the shipped one.
     */
    static void gatewayEnvironments(Topology topology, Steps steps) {
        List<Node> gateways = topology.nodes(Role.GATEWAY);
        if (gateways.isEmpty()) {
            return;
        }
        Node first = gateways.get(0);
        String shipped = ENVIRONMENTS + "/Environment[1]";
        of(steps).set(shipped + "/Name", first.name())
                .set(shipped + "/Description", "Gateway " + first.name() + " (" + first.host() + ")")
                .set(shipped + "/ServerURL", Topology.servicesUrl(first))
                .set(shipped + "/GatewayEndpoint", Topology.gatewayEndpoint(first));
        String previous = ENVIRONMENTS + "/Environment[Name='" + first.name() + "']";
        for (Node gateway : gateways.subList(1, gateways.size())) {
            String path = ENVIRONMENTS + "/Environment[Name='" + gateway.name() + "']";
            of(steps).ensure(path, """
                    <Environment type="hybrid" api-console="true">
                        <Name>%s</Name>
                        <Description>Gateway %s (%s)</Description>
                        <ServerURL>%s</ServerURL>
                        <Username>${admin.username}</Username>
                        <Password>${admin.password}</Password>
                        <GatewayEndpoint>%s</GatewayEndpoint>
                    </Environment>""".formatted(gateway.name(), gateway.name(), gateway.host(),
                    Topology.servicesUrl(gateway), Topology.gatewayEndpoint(gateway)), Anchor.after(previous));
            previous = path;
        }
    }

    /** Key validation and (unless the user store is shared) authentication go to the key manager. */
    static void keyManagerClient(Topology topology, Role role, Steps steps) {
        of(steps).set(KEY_VALIDATOR_URL, topology.servicesUrl(Role.KEY_MANAGER));
        if (!SharedDatabases.sharesUserStore(topology.spec().databases(), role)) {
            of(steps).set(AUTH_MANAGER_URL, topology.servicesUrl(Role.KEY_MANAGER));
        }
    }

    /** Throttling events go to every traffic manager (WSO2's {@code {a},{b}} receiver groups). */
    static void trafficManagerPublisher(Topology topology, Steps steps) {
        of(steps).set(RECEIVER_URL_GROUP, topology.throttleReceiverGroup())
                .set(AUTH_URL_GROUP, topology.throttleAuthGroup());
    }
}
