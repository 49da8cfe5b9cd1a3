package io.apimfleet.controller.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Doubled key managers, publishers and stores sit behind the one load-balancer node, each at its
 * own endpoint; nothing else has an endpoint. Traffic managers fail over by themselves.
 */
final class LoadBalancerRules implements SpecRule {
    private static final String ENDPOINTS = "loadBalancer.endpoints";

    @Override
    public void check(ClusterSpec spec, Findings findings) {
        List<Integer> lbNodes = indexesWithRole(spec, Role.LOAD_BALANCER);
        LoadBalancer lb = spec.loadBalancer();
        if (lb == null) {
            checkWithoutSection(spec, lbNodes, findings);
            return;
        }
        checkNode(spec, lb, lbNodes, findings);
        checkEndpoints(spec, lb, findings);
    }

    private static void checkWithoutSection(ClusterSpec spec, List<Integer> lbNodes, Findings findings) {
        for (int i : lbNodes) {
            String name = spec.nodes().get(i).name();
            findings.add(FieldPath.node(i, "role"), Words.node(spec.nodes().get(i), i)
                    + " has role load-balancer, but the spec has no loadBalancer section; add loadBalancer: { node: "
                    + name + ", endpoints: { ROLE: { host: NAME, port: PORT } } }");
        }
        if (!lbNodes.isEmpty() || !SpecRule.allRolesKnown(spec)) {
            return;
        }
        for (Role role : doubledBehindBalancer(spec)) {
            int second = indexesWithRole(spec, role).get(1);
            findings.add(FieldPath.node(second, "role"), doubled(spec, role)
                    + ", which need a load balancer in front; add a node with role: load-balancer and "
                    + "loadBalancer: { node: NAME, endpoints: { " + role + ": { host: NAME, port: PORT } } }");
        }
    }

    private static void checkNode(ClusterSpec spec, LoadBalancer lb, List<Integer> lbNodes, Findings findings) {
        if (lb.node() == null) {
            return;
        }
        Optional<Node> named = spec.node(lb.node());
        if (named.isEmpty()) {
            List<String> candidates = lbNodes.isEmpty() ? spec.nodes().stream().map(Node::name).toList()
                    : lbNodes.stream().map(i -> spec.nodes().get(i).name()).toList();
            findings.add("loadBalancer.node", "loadBalancer.node '" + lb.node() + "' names no node"
                    + DidYouMean.hint(lb.node(), candidates)
                    + (lbNodes.isEmpty() ? "; add a node with role: load-balancer and name it here" : ""));
            return;
        }
        Role role = named.get().role();
        if (role != Role.LOAD_BALANCER) {
            if (role != null) {
                findings.add("loadBalancer.node", "loadBalancer.node names " + lb.node() + ", a " + role
                        + "; name a node with role: load-balancer");
            }
            return;
        }
        for (int i : lbNodes) {
            Node other = spec.nodes().get(i);
            if (!lb.node().equals(other.name())) {
                findings.add(FieldPath.node(i, "role"), Words.node(other, i) + " has role load-balancer, but "
                        + "loadBalancer.node is " + lb.node() + "; a cluster has one load balancer, remove the other");
            }
        }
    }

    private static void checkEndpoints(ClusterSpec spec, LoadBalancer lb, Findings findings) {
        boolean rolesKnown = SpecRule.allRolesKnown(spec);
        if (rolesKnown) {
            for (Role role : doubledBehindBalancer(spec)) {
                if (lb.endpoint(role).isEmpty()) {
                    findings.add(ENDPOINTS, doubled(spec, role) + " but no load-balancer endpoint; add "
                            + ENDPOINTS + "." + role + ": { host: NAME, port: PORT }");
                }
            }
        }
        List<Map.Entry<Role, Endpoint>> seen = new ArrayList<>();
        for (Map.Entry<Role, Endpoint> entry : lb.endpoints().entrySet()) {
            Role role = entry.getKey();
            String path = ENDPOINTS + "." + role;
            if (!role.isLoadBalanced()) {
                findings.add(path, path + " is not used: " + (role == Role.TRAFFIC_MANAGER
                        ? "traffic managers fail over by themselves" : "the load balancer fronts only key-manager, "
                        + "publisher and store") + "; remove it");
            } else if (rolesKnown && !spec.isDoubled(role)) {
                findings.add(path, path + " is not used: " + role + " has "
                        + Words.count(spec.nodesWithRole(role).size(), "node") + ", so it needs no load balancer; "
                        + "remove it, or add a second " + role + " node");
            }
            checkEndpoint(path, entry.getValue(), seen, findings);
            seen.add(entry);
        }
    }

    private static void checkEndpoint(String path, Endpoint endpoint, List<Map.Entry<Role, Endpoint>> earlier,
                                      Findings findings) {
        if (endpoint.host() != null && !Formats.isHostName(endpoint.host())) {
            findings.add(path + ".host", path + ".host must be a DNS name or an IP address");
        }
        if (endpoint.port() < 1 || endpoint.port() > 65535) {
            findings.add(path + ".port", path + ".port must be between 1 and 65535");
            return;
        }
        earlier.stream()
                .filter(e -> e.getValue().port() == endpoint.port() && endpoint.host() != null
                        && endpoint.host().equalsIgnoreCase(e.getValue().host()))
                .findFirst()
                .ifPresent(e -> findings.add(path + ".port", path + " uses " + endpoint.authority() + " like "
                        + e.getKey() + "; give each endpoint its own host or port"));
    }

    private static List<Role> doubledBehindBalancer(ClusterSpec spec) {
        return Role.apimRoles().stream().filter(role -> role.isLoadBalanced() && spec.isDoubled(role)).toList();
    }

    /** "key-manager has 2 nodes (km1, km2)". */
    private static String doubled(ClusterSpec spec, Role role) {
        List<Node> nodes = spec.nodesWithRole(role);
        return role + " has " + Words.count(nodes.size(), "node") + " ("
                + String.join(", ", nodes.stream().map(n -> String.valueOf(n.name())).toList()) + ")";
    }

    private static List<Integer> indexesWithRole(ClusterSpec spec, Role role) {
        return IntStream.range(0, spec.nodes().size()).filter(i -> spec.nodes().get(i).role() == role).boxed().toList();
    }
}
