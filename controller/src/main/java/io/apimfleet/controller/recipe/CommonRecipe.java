package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;

/** What every API-M node gets, whatever its role. */
final class CommonRecipe {
    private static final String ADMIN_USER = "/UserManager/Realm/Configuration/AdminUser";

    private CommonRecipe() {
    }

    static void apply(Topology topology, Node node, Steps steps) {
        ClusterSpec spec = topology.spec();
        DoubledRoles.apply(topology, node, steps);
        steps.xml(ApimFiles.CARBON).set("/Server/Ports/Offset", Integer.toString(node.portOffset()));
        steps.xml(ApimFiles.USER_MGT)
                .set(ADMIN_USER + "/UserName", spec.admin().username())
                .set(ADMIN_USER + "/Password", spec.admin().password());
        SharedDatabases.apply(spec.databases(), node.role(), steps);
        steps.prune(ApimFiles.WEBAPPS, Webapps.webapps(node.role(), spec.options()))
                .prune(ApimFiles.JAGGERYAPPS, Webapps.jaggeryapps(node.role()));
        if (node.role() != Role.TRAFFIC_MANAGER && !(node.role() == Role.GATEWAY && spec.options().websocket())) {
            disableWebSockets(steps);
        }
        if (node.role() != Role.KEY_MANAGER) {
            ApiManagerXml.of(steps).set(ApiManagerXml.THRIFT_SERVER, "false");
        }
    }

    /** The WebSocket transport belongs on gateways only: senders commented out, inbound endpoints gone. */
    private static void disableWebSockets(Steps steps) {
        steps.xml(ApimFiles.AXIS2)
                .comment("/axisconfig/transportSender[@name='ws']")
                .comment("/axisconfig/transportSender[@name='wss']");
        steps.delete(ApimFiles.WS_INBOUND).delete(ApimFiles.WSS_INBOUND);
    }
}
