package io.apimfleet.controller.spec;

import java.util.List;

/**
 * Two API-M nodes with the same port offset on the same host, or bound to the same address,
 * would open the same ports. A node binding every interface (0.0.0.0) collides with any node on
 * its host. API-M also opens ports on every interface whatever its bind address (RMI, JMX), so
 * the same host with the same offset always collides.
 */
final class PortCollisionRule implements SpecRule {

    @Override
    public void check(ClusterSpec spec, Findings findings) {
        List<Node> nodes = spec.nodes();
        for (int j = 0; j < nodes.size(); j++) {
            for (int i = 0; i < j; i++) {
                String clash = clash(nodes.get(i), nodes.get(j));
                if (clash != null) {
                    findings.add(FieldPath.node(j, "portOffset"), Words.node(nodes.get(j), j)
                            + " would open the same ports as " + Words.node(nodes.get(i), i) + " (" + clash
                            + ", portOffset " + nodes.get(j).portOffset()
                            + "); give it another portOffset or another host");
                    break; // one message per node is enough to fix it
                }
            }
        }
    }

    /** Why two nodes collide, or null when they do not. */
    private static String clash(Node a, Node b) {
        // A load balancer's ports are its endpoints', not offsets of API-M's.
        if (!isApim(a) || !isApim(b) || a.portOffset() != b.portOffset() || a.host() == null || b.host() == null) {
            return null;
        }
        if (a.host().equalsIgnoreCase(b.host())) {
            return "both on host " + a.host();
        }
        if (!a.bindsEveryInterface() && a.bindAddress().equalsIgnoreCase(b.bindAddress())) {
            return "both bind " + a.bindAddress();
        }
        return null;
    }

    private static boolean isApim(Node node) {
        return node.role() != Role.LOAD_BALANCER;
    }
}
