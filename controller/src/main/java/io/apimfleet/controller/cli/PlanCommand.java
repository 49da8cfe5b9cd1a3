package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.client.ControllerUnreachable;
import io.apimfleet.controller.recipe.RecipeException;
import io.apimfleet.controller.recipe.Recipes;
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
 * {@code fleet plan --node NAME -f cluster.yaml}: renders the node's bundle here and asks its
 * agent for a dry run against the real {@code <API-M_HOME>}; prints the diff (secrets masked by
 * the agent) and the per-operation report. Changes nothing.
 */
@Command(name = "plan",
        mixinStandardHelpOptions = true,
        description = {"Asks a node's agent what applying the spec would change there (a dry run): prints its diff and report.",
                "Exit status 4 when the agent is not connected, does not answer, or refuses."})
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

    @Option(names = "--node", required = true, paramLabel = "NAME", description = "the node to plan")
    String node;

    @Override
    public Integer call() {
        ClusterSpec cluster = SpecFile.readValid(file);
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

    private AgentReply ask(ControllerClient client, Bundle bundle) {
        try {
            return client.nodeRequest(node, "plan", bundle, false);
        } catch (ControllerApiException e) {
            int status = switch (e.reason()) {
                case "not-connected", "timeout", "failed" -> FleetCommand.EXIT_AGENT;
                default -> FleetCommand.EXIT_CONTROLLER;
            };
            throw new UserError(status, "fleet plan: " + e.getMessage());
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, "fleet plan: " + e.getMessage());
        }
    }
}
