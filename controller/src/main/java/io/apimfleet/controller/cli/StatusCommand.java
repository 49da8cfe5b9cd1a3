package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.protocol.link.AgentView;
import io.apimfleet.protocol.link.Facts;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet status}: per node, what runs there. With {@code -f cluster.yaml} every node of
 * the spec is listed (with its role, enrolled or not); without, the agents the controller knows.
 */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        description = {"Per node: role, host, connected, product state, health, bundle revision.",
                "health is one of healthy, unhealthy, starting, stopped, unknown (unknown until the node reports probes)."})
final class StatusCommand implements Callable<Integer> {
    /** One row; the JSON shape of {@code --output json}. */
    record NodeStatus(String name, String role, String host, boolean connected, String product, String health, Long revision) {
    }

    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Mixin
    ControllerOption controller;

    @Mixin
    OutputOption output;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "the cluster spec: list its nodes with their roles")
    String file;

    @Override
    public Integer call() {
        ClusterSpec cluster = file == null ? null : SpecFile.readValid(file);
        ControllerClient client = controller.client(state, "fleet status");
        Map<String, AgentView> agents = new LinkedHashMap<>();
        ControllerOption.calling("fleet status", client::agents).forEach(view -> agents.put(view.node(), view));
        List<NodeStatus> rows = new ArrayList<>();
        if (cluster != null) {
            for (Node node : cluster.nodes()) {
                rows.add(status(node.name(), node.role().yamlName(), node.host(), agents.get(node.name())));
            }
        } else {
            agents.values().forEach(view -> rows.add(status(view.node(), view.role(), null, view)));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, rows);
            return 0;
        }
        if (rows.isEmpty()) {
            out.println("no nodes: no agent has enrolled yet (fleet token create --node NAME), and no -f cluster.yaml was given");
            out.flush();
            return 0;
        }
        Table table = new Table("NODE", "ROLE", "HOST", "CONNECTED", "PRODUCT", "HEALTH", "REVISION");
        rows.forEach(r -> table.row(r.name(), r.role(), r.host(), r.connected() ? "yes" : "no", r.product(), r.health(), r.revision()));
        table.print(out);
        out.println();
        out.println(byRole(rows));
        out.flush();
        return 0;
    }

    /** One line per role, e.g. {@code key-manager 2/2 healthy}: the cluster at a glance. */
    static String byRole(List<NodeStatus> rows) {
        Map<String, List<NodeStatus>> roles = new LinkedHashMap<>();
        rows.forEach(r -> roles.computeIfAbsent(r.role() == null ? "(role unknown)" : r.role(), k -> new ArrayList<>()).add(r));
        List<String> parts = new ArrayList<>();
        roles.forEach((role, nodes) -> parts.add(role + " " + nodes.stream().filter(n -> "healthy".equals(n.health())).count()
                + "/" + nodes.size() + " healthy"));
        return String.join(" | ", parts);
    }

    private static NodeStatus status(String name, String role, String specHost, AgentView view) {
        Facts facts = view == null ? null : view.facts();
        String host = facts != null && facts.hostname() != null ? facts.hostname() : specHost;
        String product = facts == null || facts.productState() == null ? "unknown" : facts.productState();
        boolean connected = view != null && view.connected();
        String health = view == null || view.health() == null ? "unknown" : view.health();
        return new NodeStatus(name, role, host, connected, product, health, facts == null ? null : facts.bundleRevision());
    }
}
