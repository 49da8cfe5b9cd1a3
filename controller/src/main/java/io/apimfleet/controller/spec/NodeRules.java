package io.apimfleet.controller.spec;

import io.apimfleet.controller.pki.NodeNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Each node on its own: name, host, address, alternative names, port offset, home. */
final class NodeRules implements SpecRule {
    static final int MAX_PORT_OFFSET = 1000;

    @Override
    public void check(ClusterSpec spec, Findings findings) {
        List<Node> nodes = spec.nodes();
        if (nodes.isEmpty()) {
            findings.add("nodes", "nodes is empty; list at least one node, e.g. - { name: km1, role: key-manager, "
                    + "host: km1.example }");
        }
        Map<String, Integer> firstByName = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            checkName(node, i, firstByName, findings);
            checkAddresses(node, i, findings);
            if (node.portOffset() < 0 || node.portOffset() > MAX_PORT_OFFSET) {
                findings.add(FieldPath.node(i, "portOffset"), "portOffset of " + Words.node(node, i)
                        + " must be between 0 and " + MAX_PORT_OFFSET);
            }
            findings.requireAbsolutePath(FieldPath.node(i, "home"), "home of " + Words.node(node, i), node.home());
        }
    }

    private static void checkName(Node node, int index, Map<String, Integer> firstByName, Findings findings) {
        String name = node.name();
        if (name == null) {
            return;
        }
        String path = FieldPath.node(index, "name");
        if (!Formats.isDnsLabel(name)) {
            // The name becomes the agent's certificate CN and part of its event-bus address.
            findings.add(path, "node name '" + name + "' must be a DNS label: lower-case letters, digits and '-', "
                    + "at most 63, e.g. km1");
        } else {
            // The rule fleet token create and the agents' bridge apply (reserved names): one rule, NodeNames'.
            try {
                NodeNames.check(name);
            } catch (IllegalArgumentException e) {
                findings.add(path, e.getMessage() + "; give the node another name, e.g. km1");
            }
        }
        Integer first = firstByName.putIfAbsent(name, index);
        if (first != null) {
            findings.add(path, "node name '" + name + "' is already used at line "
                    + findings.locate(FieldPath.node(first, "name")).line() + "; give each node its own name");
        }
    }

    private static void checkAddresses(Node node, int index, Findings findings) {
        String who = Words.node(node, index);
        if (node.host() != null && !Formats.isHostName(node.host())) {
            findings.add(FieldPath.node(index, "host"), "host of " + who + " must be a DNS name or an IP address");
        }
        if (node.address() != null && !Formats.isIpLiteral(node.address())) {
            findings.add(FieldPath.node(index, "address"), "address of " + who
                    + " must be an IP address (v4 or v6), the one its listeners bind to; names go in host");
        }
        for (int k = 0; k < node.altNames().size(); k++) {
            if (!Formats.isDnsName(node.altNames().get(k))) {
                findings.add(FieldPath.index(FieldPath.node(index, "altNames"), k), "altNames[" + k + "] of " + who
                        + " must be a DNS name such as api.example.com");
            }
        }
    }
}
