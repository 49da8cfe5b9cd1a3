package io.apimfleet.controller.rollout;

import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code fleet apply} would do, as {@code fleet plan -f} prints it: the phases in order,
 * per node its diff (secrets masked by the agent) and whether it would start or restart, and
 * warnings such as a role with one node being unavailable while it restarts.
 */
public record ClusterPlan(long revision, String cluster, List<Phase> phases, List<NodePlan> nodes, List<String> warnings) {
    /**
     * @param action start (not running), restart (files change while it runs), or none
     * @param error  why the node could not be planned (its agent is missing, refused), else null
     */
    public record NodePlan(String node, String role, boolean changed, int files, String action, String diff, String report,
                           String error) {
    }

    public ClusterPlan {
        phases = List.copyOf(phases);
        nodes = List.copyOf(nodes);
        warnings = List.copyOf(warnings);
    }

    public boolean changesNothing() {
        return nodes.stream().allMatch(n -> n.error() == null && !n.changed() && "none".equals(n.action()));
    }

    static Future<ClusterPlan> ask(RenderedCluster cluster, LiveAgents live, AgentRequests requests) {
        List<Node> nodes = cluster.spec().nodes().stream().filter(n -> cluster.bundles().containsKey(n.name())).toList();
        List<Future<NodePlan>> asked = nodes.stream().map(node -> Rollouts.bundleReply(node.name(), "the dry run",
                        requests.request(node.name(), Rollouts.request(AgentRequest.Kind.PLAN, cluster, node.name())))
                .map(result -> plan(node, result, running(live, node.name())))
                .recover(f -> Future.succeededFuture(new NodePlan(node.name(), node.role().yamlName(), false, 0, "none", "", "", f.getMessage()))))
                .toList();
        return Future.join(asked).transform(ar -> {
            List<NodePlan> plans = asked.stream().map(Future::result).toList();
            List<String> warnings = new ArrayList<>(cluster.warnings());
            warnings.addAll(outages(Phase.of(cluster.spec()), plans));
            return Future.succeededFuture(new ClusterPlan(cluster.revision(), cluster.spec().cluster(), Phase.of(cluster.spec()), plans, warnings));
        });
    }

    /** The plan's outages: a role with one node that would restart is unavailable meanwhile ({@code fleet apply --yes} accepts them). */
    public List<String> outages() {
        return outages(phases, nodes);
    }

    private static List<String> outages(List<Phase> phases, List<NodePlan> plans) {
        List<String> outages = new ArrayList<>();
        for (Phase phase : phases) {
            if (phase.nodes().size() == 1) {
                plans.stream().filter(p -> p.node().equals(phase.nodes().get(0)) && "restart".equals(p.action())).findFirst()
                        .ifPresent(p -> outages.add(phase.name() + " has one node (" + p.node() + "): it is unavailable while it restarts"));
            }
        }
        return outages;
    }

    static boolean running(LiveAgents live, String node) {
        return live.get(node).map(l -> l.facts() != null && "running".equals(l.facts().productState())).orElse(false);
    }

    private static NodePlan plan(Node node, ApplyResult result, boolean running) {
        String action = !running ? "start" : result.restartNeeded() ? "restart" : "none";
        return new NodePlan(node.name(), node.role().yamlName(), result.differs(), result.files().size(), action,
                result.diff(), result.report(), null);
    }
}
