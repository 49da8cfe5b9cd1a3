package io.apimfleet.controller.recipe;

/** Where API-M 2.x keeps what the recipes edit, relative to {@code <API-M_HOME>}. */
final class ApimFiles {
    static final String CONF = "repository/conf/";
    static final String CARBON = CONF + "carbon.xml";
    static final String API_MANAGER = CONF + "api-manager.xml";
    static final String USER_MGT = CONF + "user-mgt.xml";
    static final String REGISTRY = CONF + "registry.xml";
    static final String REGISTRY_TM = CONF + "registry_TM.xml";
    static final String AXIS2 = CONF + "axis2/axis2.xml";
    static final String AXIS2_TM = CONF + "axis2/axis2_TM.xml";
    static final String DATASOURCES = CONF + "datasources/master-datasources.xml";
    static final String JNDI = CONF + "jndi.properties";
    static final String CATALINA = CONF + "tomcat/catalina-server.xml";
    static final String BROKER = CONF + "broker.xml";
    static final String DATA_BRIDGE = CONF + "data-bridge/data-bridge-config.xml";
    static final String DATA_AGENT = CONF + "data-bridge/data-agent-config.xml";
    static final String ENDPOINT_CONFIG = CONF + "identity/EndpointConfig.properties";
    static final String CIPHER_TEXT = CONF + "security/cipher-text.properties";
    static final String SSL_PROFILES = "repository/resources/security/sslprofiles.xml";

    static final String WEBAPPS = "repository/deployment/server/webapps";
    static final String JAGGERYAPPS = "repository/deployment/server/jaggeryapps";
    static final String SYNAPSE = "repository/deployment/server/synapse-configs/default/";
    static final String WS_INBOUND = SYNAPSE + "inbound-endpoints/WebSocketInboundEndpoint.xml";
    static final String WSS_INBOUND = SYNAPSE + "inbound-endpoints/SecureWebSocketInboundEndpoint.xml";
    static final String COMPONENTS_LIB = "repository/components/lib";

    static final String START_SCRIPT = "bin/wso2server.sh";

    private ApimFiles() {
    }
}
