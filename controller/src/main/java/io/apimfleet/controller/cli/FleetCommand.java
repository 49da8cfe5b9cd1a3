package io.apimfleet.controller.cli;

import io.apimfleet.protocol.jvm.CommandExit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleet}: the top command. A new subcommand is one class listed in {@code subcommands}. */
@Command(name = "fleet",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Deploys and operates WSO2 API Manager 2.x distributed clusters.",
        subcommands = {ValidateCommand.class, RenderCommand.class, InitCommand.class, CaCommand.class, TokenCommand.class, AgentsCommand.class,
                CertsCommand.class, ControllerCommand.class, ControllersCommand.class, StatusCommand.class, EventsCommand.class, PlanCommand.class,
                NodeCommand.class, ApplyCommand.class, RolloutCommand.class, SecretCommand.class, DemoCommand.class, CompletionCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "1:internal error", "2:bad input (options, spec file, state directory)",
                "3:the controller could not be reached or refused the request", "4:the agent could not do it (not connected, no answer, refused)",
                "5:the rollout failed, was aborted or was refused (another rollout is running, the spec cannot be rendered, "
                        + "an outage not accepted, nothing to resume or undo, this controller follows another)"})
public final class FleetCommand implements Callable<Integer> {

    /** Exit code for problems in what the user gave us: a bad spec, a missing file. */
    public static final int EXIT_USER_ERROR = CommandLine.ExitCode.USAGE;
    /** The controller could not be reached, or refused the request (TLS, 401/403, 5xx). */
    public static final int EXIT_CONTROLLER = 3;
    /** The controller reached the agent's side and it could not do it: not connected, no answer in time, refused. */
    public static final int EXIT_AGENT = 4;
    /** A rollout failed, was aborted or was refused, or another one is running (the controller's 409s but not-connected). */
    public static final int EXIT_ROLLOUT_FAILED = 5;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        CommandExit.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and for tests that capture its output. */
    public static CommandLine commandLine() {
        return new CommandLine(new FleetCommand())
                .setExecutionExceptionHandler(FleetCommand::handle);
    }

    /** {@code fleet} alone: show what it can do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USER_ERROR;
    }

    /** User errors print as they are; anything else as one line, never as a stack trace. */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof UserError userError) {
            userError.lines().forEach(cmd.getErr()::println);
            cmd.getErr().flush();
            return userError.exitCode();
        }
        cmd.getErr().println("fleet: internal error: " + e);
        return CommandLine.ExitCode.SOFTWARE;
    }
}
