package io.apimfleet.agent.cli;

import io.apimfleet.agent.apply.LocalHome;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.BundleException;
import io.apimfleet.protocol.bundle.RollbackResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fleet-agent}: the host side of apim-fleet. */
@Command(name = "fleet-agent", mixinStandardHelpOptions = true, versionProvider = AgentCommand.Version.class,
        description = "The apim-fleet agent: applies configuration bundles to this host's API-M home.",
        subcommands = {AgentCommand.Apply.class, AgentCommand.Rollback.class, AgentCommand.Recover.class,
                AgentCommand.History.class})
public final class AgentCommand {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AgentCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof BundleException || e instanceof UncheckedIOException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        public String[] getVersion() {
            String v = AgentCommand.class.getPackage().getImplementationVersion();
            return new String[] {"fleet-agent " + (v == null ? "dev" : v)};
        }
    }

    /** Options every local command shares. */
    static class HomeOptions {
        @Option(names = "--home", required = true, description = "The API-M home (<API-M_HOME>) to manage.")
        Path home;

        @Option(names = "--state", description = "The agent's state directory, outside the home (default: ${DEFAULT-VALUE}).")
        Path state = LocalHome.DEFAULT_STATE;

        @Option(names = "--secrets", description = "A file of name=value lines for ${secret:NAME} references; FLEET_SECRET_<NAME> variables also work.")
        Path secrets;

        BundleApplier applier() {
            return new LocalHome(home, state, secrets).applier(System.getenv());
        }
    }

    @Command(name = "apply", description = "Apply a bundle file to the home (or, with --dry-run, show the diff).")
    static final class Apply implements Callable<Integer> {
        @CommandLine.Mixin
        HomeOptions options;
        @Option(names = "--bundle", required = true, description = "The bundle (JSON).")
        Path bundle;
        @Option(names = "--dry-run", description = "Print what would change, as a unified diff; change nothing.")
        boolean dryRun;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() {
            var b = LocalHome.readBundle(bundle);
            ApplyResult result = dryRun ? options.applier().plan(b) : options.applier().apply(b);
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                out.print(result.diff());
            }
            out.print(result.report());
            out.flush();
            return 0;
        }
    }

    @Command(name = "rollback", description = "Return the home to the revision before the current one, byte for byte.")
    static final class Rollback implements Callable<Integer> {
        @CommandLine.Mixin
        HomeOptions options;
        @Option(names = "--force", description = "Roll back even over files changed since the revision was applied.")
        boolean force;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() {
            RollbackResult r = options.applier().rollback(force);
            spec.commandLine().getOut().printf("rolled back %s revision %d (%d paths restored); now at revision %d%n",
                    r.node(), r.undoneRevision(), r.restored().size(), r.currentRevision());
            return 0;
        }
    }

    @Command(name = "recover", description = "Finish an apply or rollback interrupted by a crash (also done before every apply).")
    static final class Recover implements Callable<Integer> {
        @CommandLine.Mixin
        HomeOptions options;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() {
            boolean replayed = options.applier().recover();
            spec.commandLine().getOut().println(replayed ? "finished an interrupted swap" : "nothing to recover");
            return 0;
        }
    }

    @Command(name = "history", description = "List the revisions applied to the home, oldest first.")
    static final class History implements Callable<Integer> {
        @CommandLine.Mixin
        HomeOptions options;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var history = options.applier().history();
            if (history.isEmpty()) {
                out.println("no revision applied");
            }
            history.forEach(r -> out.printf("%-4d %-12s revision %-4d %s  %d paths  %s%n",
                    r.seq(), r.node(), r.revision(), r.appliedAt(), r.files().size(), r.bundleHash()));
            out.flush();
            return 0;
        }
    }
}
