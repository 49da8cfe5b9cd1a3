package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.Node;

import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How an API-M node presents itself, and whom it clusters with. A node of a doubled key manager,
 * publisher or store stands behind its role's load-balancer endpoint, as WSO2's "Configuring the
 * Proxy Server and the Load Balancer" asks: carbon.xml {@code HostName}/{@code MgtHostName} name
 * the endpoint, and the HTTPS connector's {@code proxyName}/{@code proxyPort} make Tomcat's
 * redirects and Carbon's generated URLs point there too. It also joins its twins, and only them,
 * in a well-known-address Hazelcast cluster (axis2.xml {@code clustering}), as WSO2's clustering
 * guide does for HA nodes. Every other node presents its own host, without a proxy, clustering
 * off: written out rather than left as shipped, so that a role that stops being doubled goes back.
 */
final class DoubledRoles {
    static final String HOST_NAME = "/Server/HostName";
    static final String MGT_HOST_NAME = "/Server/MgtHostName";
    /** The servlet HTTPS connector; catalina-server.xml names its port without the offset, which Carbon adds. */
    static final String HTTPS_CONNECTOR = "/Server/Service/Connector[@port='" + ApimPort.SERVLET_HTTPS.base() + "']";
    static final String CLUSTERING = "/axisconfig/clustering";
    static final String MEMBERS = CLUSTERING + "/members";
    /** Tomcat's and Carbon's "no proxy": Carbon takes a proxy port only above 0, Tomcat a proxy name only when not empty. */
    static final String NO_PROXY_PORT = "0";
    static final String NO_PROXY_NAME = "";

    private DoubledRoles() {
    }

    static void apply(Topology topology, Node node, Steps steps) {
        Optional<Endpoint> endpoint = topology.endpointOf(node);
        String hostName = endpoint.map(Endpoint::host).orElse(node.host());
        steps.xml(ApimFiles.CARBON)
                .enable(HOST_NAME, hostName)
                .enable(MGT_HOST_NAME, hostName);
        if (node.role().isLoadBalanced()) {
            // No HTTP endpoint exists, so the HTTP connector (9763) keeps no proxy port.
            steps.xml(ApimFiles.CATALINA)
                    .attribute(HTTPS_CONNECTOR, "proxyName", endpoint.map(Endpoint::host).orElse(NO_PROXY_NAME))
                    .attribute(HTTPS_CONNECTOR, "proxyPort", endpoint.map(e -> Integer.toString(e.port())).orElse(NO_PROXY_PORT));
        }
        if (endpoint.isEmpty()) {
            steps.xml(ApimFiles.AXIS2).attribute(CLUSTERING, "enable", "false");
            return;
        }
        steps.xml(ApimFiles.AXIS2)
                .attribute(CLUSTERING, "enable", "true")
                .set(parameter("membershipScheme"), "wka")
                .set(parameter("domain"), domain(node))
                // WSO2 advises IP addresses for Hazelcast: the node's address when the spec names one.
                .set(parameter("localMemberHost"), Topology.ownAddress(node))
                .set(parameter("localMemberPort"), Integer.toString(ApimPort.CLUSTERING.on(node)))
                .replace(MEMBERS, members(topology, node));
    }

    static String parameter(String name) {
        return CLUSTERING + "/parameter[@name='" + name + "']";
    }

    /** One cluster domain per role, so that twins of different roles never join each other. */
    static String domain(Node node) {
        return "wso2.apim." + node.role().yamlName() + ".domain";
    }

    /** Every twin of the role, this node included, as the well-known members each of them dials. */
    private static String members(Topology topology, Node node) {
        return topology.nodes(node.role()).stream()
                .map(twin -> "    <member>\n        <hostName>" + Topology.ownAddress(twin) + "</hostName>\n"
                        + "        <port>" + ApimPort.CLUSTERING.on(twin) + "</port>\n    </member>")
                .collect(Collectors.joining("\n", "<members>\n", "\n</members>"));
    }
}
