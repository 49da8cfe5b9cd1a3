package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.client.ControllerUnreachable;
import io.apimfleet.protocol.link.AgentReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code fleet node start|stop|restart|logs NAME}: the product on one host, through its agent.
 * The agent starts the command of the last applied bundle in a session of its own.
 */
@Command(name = "node",
        mixinStandardHelpOptions = true,
        description = {"Starts, stops or restarts the product on a node, or prints the end of its log.",
                "  fleet node start|stop|restart NAME [--force]     (--force with stop: kill at once)",
                "  fleet node logs NAME [--lines N]",
                "Exit status 4 when the agent is not connected, does not answer, or refuses."})
final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Mixin
    ControllerOption controller;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop, restart or logs")
    String action;

    @Parameters(index = "1", paramLabel = "NAME", description = "the node")
    String node;

    @Option(names = "--force", description = "with stop: kill at once instead of a graceful stop")
    boolean force;

    @Option(names = "--lines", paramLabel = "N", defaultValue = "100", description = "with logs: how many lines (default: ${DEFAULT-VALUE}, at most 1000)")
    int lines;

    @Override
    public Integer call() {
        String command = "fleet node " + action;
        if (!java.util.List.of("start", "stop", "restart", "logs").contains(action)) {
            throw new UserError("fleet node: the action is start, stop, restart or logs, not '" + action + "'");
        }
        ControllerClient client = controller.client(state, command);
        AgentReply reply;
        try {
            reply = client.nodeRequest(node, action, null, force, action.equals("logs") ? Math.max(1, lines) : 0);
        } catch (ControllerApiException e) {
            int status = switch (e.reason()) {
                case "not-connected", "timeout", "failed" -> FleetCommand.EXIT_AGENT;
                default -> FleetCommand.EXIT_CONTROLLER;
            };
            throw new UserError(status, command + ": " + e.getMessage());
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, reply);
        }
        if (!reply.ok()) {
            throw new UserError(FleetCommand.EXIT_AGENT, command + ": agent " + node + " refused: " + reply.error());
        }
        if (!output.json()) {
            out.println(action.equals("logs") ? reply.output() : node + ": " + reply.output());
            out.flush();
        }
        return 0;
    }
}
