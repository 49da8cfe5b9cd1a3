package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.protocol.link.AgentReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.apimfleet.bundle.diff.UnifiedDiff;
import io.apimfleet.controller.pki.SecureFiles;
import io.apimfleet.controller.spec.CheckedSpec;
import io.apimfleet.controller.spec.NodeAddition;
import io.apimfleet.controller.spec.Problem;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.controller.spec.Specs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fleet node start|stop|restart|logs NAME}: the product on one host, through its agent.
 * The agent starts the command of the last applied bundle in a session of its own.
 * {@code fleet node add NAME --role ROLE --host HOST -f FILE} edits the spec file instead (no
 * controller needed): a copy of the role's first node, shown as a diff.
 */
@Command(name = "node",
        mixinStandardHelpOptions = true,
        description = {"Starts, stops or restarts the product on a node, or prints the end of its log.",
                "  fleet node start|stop|restart NAME [--force]     (--force with stop: kill at once)",
                "  fleet node logs NAME [--lines N]",
                "  fleet node add NAME --role ROLE --host HOST [--address IP] [--endpoint HOST:PORT] -f FILE [--dry-run]",
                "      (adds a node to the spec file, copied from the role's first node, and shows the diff;",
                "       the previous file is kept as FILE.bak; fleet plan -f FILE then shows what it changes)",
                "Exit status 4 when the agent is not connected, does not answer, or refuses; 5 while a rollout runs."})
final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Mixin
    ControllerOption controller;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop, restart, logs or add")
    String action;

    @Parameters(index = "1", paramLabel = "NAME", description = "the node")
    String node;

    @Option(names = "--force", description = "with stop: kill at once instead of a graceful stop")
    boolean force;

    @Option(names = "--lines", paramLabel = "N", defaultValue = "100", description = "with logs: how many lines (default: ${DEFAULT-VALUE}, at most 1000)")
    int lines;

    @Option(names = "--role", paramLabel = "ROLE", description = "with add: the new node's role")
    String role;

    @Option(names = "--host", paramLabel = "HOST", description = "with add: the new node's host name")
    String host;

    @Option(names = "--address", paramLabel = "IP", description = "with add: the address its listeners bind to (needed when its twin has one)")
    String address;

    @Option(names = "--endpoint", paramLabel = "HOST:PORT",
            description = "with add, for a role's second node: where peers reach the doubled role (added to loadBalancer.endpoints)")
    String endpoint;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "with add: the spec file to edit")
    String file;

    @Option(names = "--dry-run", description = "with add: show the diff, write nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        String command = "fleet node " + action;
        if (action.equals("add")) {
            return add();
        }
        if (!java.util.List.of("start", "stop", "restart", "logs").contains(action)) {
            throw new UserError("fleet node: the action is start, stop, restart, logs or add, not '" + action + "'");
        }
        ControllerClient client = controller.client(state, command);
        AgentReply reply = ControllerOption.askingAgent(command,
                () -> client.nodeRequest(node, action, null, force, action.equals("logs") ? Math.max(1, lines) : 0));
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

    private int add() {
        if (file == null || role == null || host == null) {
            throw new UserError("fleet node add: give the spec file (-f FILE), the new node's --role and its --host");
        }
        Role parsed = Role.fromName(role).orElseThrow(() -> new UserError("fleet node add: unknown role '" + role + "'; the roles are "
                + String.join(", ", Role.names())));
        SpecFile.readValid(file);
        String before = SpecFile.text(file);
        String after;
        try {
            after = NodeAddition.add(Specs.check(file, before), before, new NodeAddition.NewNode(node, parsed, host, address, endpoint));
        } catch (IllegalArgumentException e) {
            throw new UserError("fleet node add: " + e.getMessage());
        }
        CheckedSpec checked = Specs.check(file, after);
        if (!checked.isValid()) {   // e.g. the role is doubled now and loadBalancer.endpoints has no entry for it
            List<String> problems = new ArrayList<>(List.of("fleet node add: " + file + " was left unchanged: with " + node + " added it would not be valid:"));
            checked.problems().stream().sorted(Problem.BY_POSITION).forEach(p -> problems.add("  " + p));
            throw new UserError(problems);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(UnifiedDiff.of(file, before, after));
        if (!dryRun) {
            Path path = Path.of(file);
            try {
                SecureFiles.write(Path.of(file + ".bak"), before.getBytes(StandardCharsets.UTF_8), permissions(path));
                SecureFiles.write(path, after.getBytes(StandardCharsets.UTF_8), permissions(path));
            } catch (java.io.UncheckedIOException e) {
                throw new UserError("fleet node add: " + e.getMessage());
            }
            out.println("added " + node + " (" + parsed.yamlName() + ") to " + file + "; the previous file is " + file + ".bak");
            out.println("next: fleet plan -f " + file + " shows every change; fleet apply -f " + file + " rolls it out");
        }
        out.flush();
        return 0;
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(Path path) {
        try {
            return Files.getPosixFilePermissions(path);
        } catch (IOException | UnsupportedOperationException e) {
            return java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        }
    }
}
