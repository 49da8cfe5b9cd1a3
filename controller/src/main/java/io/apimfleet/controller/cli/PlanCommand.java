package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.recipe.RecipeException;
import io.apimfleet.controller.recipe.Recipes;
import io.apimfleet.controller.rollout.ClusterPlan;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet plan -f cluster.yaml}: the controller renders every node's bundle (certificates
 * included) and asks each agent for a dry run; prints the phases, each node's diff (secrets masked
 * by the agent), which nodes would start or restart, and warnings. With {@code --node NAME}, only
 * that node's bundle, rendered here without trust material. Changes no home.
 */
@Command(name = "plan",
        mixinStandardHelpOptions = true,
        description = {"Asks every node's agent what applying the spec would change there (a dry run): prints the phases,",
                "each node's diff, which nodes would (re)start, and warnings. The controller may certify hosts' TLS keys to show exact diffs.",
                "Exit status 4 when an agent refuses or does not answer (with --node: also when it is not connected);",
                "5 while a rollout runs, or when the controller cannot render the spec: an agent not connected",
                "(its TLS key is needed), or a secret the controller has no value for."})
final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Mixin
    ControllerOption controller;

    @Mixin
    OutputOption output;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the cluster spec (YAML)")
    String file;

    @Option(names = "--node", paramLabel = "NAME", description = "only this node, rendered here without its certificates")
    String node;

    @Override
    public Integer call() {
        ClusterSpec cluster = SpecFile.readValid(file);
        if (node == null) {
            return planCluster();
        }
        if (cluster.node(node).isEmpty()) {
            throw new UserError("fleet plan: no node named " + node + " in " + file);
        }
        ControllerClient client = controller.client(state, "fleet plan");
        long applied = ControllerOption.calling("fleet plan", client::agents).stream()
                .filter(v -> v.node().equals(node)).mapToLong(AgentView::bundleRevision).findFirst().orElse(0);
        Recipes.NodeBundle rendered;
        try {
            rendered = Recipes.bundle(cluster, node, applied + 1, Recipes.DriverJars.fromDisk());
        } catch (RecipeException e) {
            throw new UserError("fleet plan: " + e.getMessage());
        }
        rendered.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        AgentReply reply = ask(client, rendered.bundle());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, reply);
        }
        if (!reply.ok()) {
            throw new UserError(FleetCommand.EXIT_AGENT, "fleet plan: agent " + node + " refused: " + reply.error());
        }
        if (!output.json()) {
            out.println("== plan for " + node + " (revision " + rendered.bundle().revision() + ")");
            if (reply.result() != null) {
                out.print(reply.result().diff());
                out.print(reply.result().report());
            }
            out.flush();
        }
        return 0;
    }

    private int planCluster() {
        ControllerClient client = controller.client(state, "fleet plan");
        ClusterPlan plan = ControllerOption.sendingSpec("fleet plan", () -> client.plan(file, SpecFile.text(file)));
        PrintWriter out = spec.commandLine().getOut();
        boolean failed = plan.nodes().stream().anyMatch(n -> n.error() != null);
        if (output.json()) {
            OutputOption.printJson(out, plan);
            return failed ? FleetCommand.EXIT_AGENT : 0;
        }
        out.println("== plan for cluster " + plan.cluster() + " (would be revision " + plan.revision() + ")");
        out.println("phases: " + RolloutProgress.phases(plan.phases()));
        for (ClusterPlan.NodePlan n : plan.nodes()) {
            out.println();
            if (n.error() != null) {
                out.println("-- " + n.node() + " (" + n.role() + "): cannot plan: " + n.error());
                continue;
            }
            out.println("-- " + n.node() + " (" + n.role() + "): " + (n.files() > 0 ? n.files() + " files would change"
                    : n.changed() ? "no file changes; the product's command or probes change" : "no changes")
                    + switch (n.action()) {
                        case "start" -> "; would start";
                        case "restart" -> "; would restart";
                        default -> "";
                    });
            out.print(n.diff());
        }
        out.println();
        java.util.List<String> starting = plan.nodes().stream().filter(n -> !"none".equals(n.action()) && n.error() == null)
                .map(n -> n.node() + " (" + n.action() + ")").toList();
        out.println(starting.isEmpty() ? "no node would start or restart" : "would start or restart: " + String.join(", ", starting));
        plan.warnings().forEach(w -> out.println("warning: " + w));
        if (plan.changesNothing()) {
            out.println("no changes: applying this spec would change nothing");
        }
        out.flush();
        return failed ? FleetCommand.EXIT_AGENT : 0;
    }

    private AgentReply ask(ControllerClient client, Bundle bundle) {
        return ControllerOption.askingAgent("fleet plan", () -> client.nodeRequest(node, "plan", bundle, false));
    }
}
