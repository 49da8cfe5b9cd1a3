package io.apimfleet.agent.cli;

import io.apimfleet.agent.AgentVersion;
import io.apimfleet.agent.apply.LocalHome;
import io.apimfleet.agent.enroll.AgentState;
import io.apimfleet.agent.enroll.CaPin;
import io.apimfleet.agent.enroll.Endpoint;
import io.apimfleet.agent.enroll.Join;
import io.apimfleet.agent.run.AgentDaemon;
import io.apimfleet.agent.run.AgentSettings;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.BundleException;
import io.apimfleet.protocol.bundle.RollbackResult;
import io.apimfleet.protocol.jvm.CommandExit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code fleet-agent}: the host side of apim-fleet. */
@Command(name = "fleet-agent", mixinStandardHelpOptions = true, versionProvider = AgentCommand.Version.class,
        description = "The apim-fleet agent: joins this host to a fleet, stays connected to the controller, "
                + "and applies configuration bundles to this host's API-M home.",
        subcommands = {AgentCommand.JoinCommand.class, AgentCommand.RunCommand.class, AgentCommand.Apply.class,
                AgentCommand.Rollback.class, AgentCommand.Recover.class, AgentCommand.History.class})
public final class AgentCommand {
    public static void main(String[] args) {
        CommandExit.exit(commandLine().execute(args));
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
            return new String[] {"fleet-agent " + AgentVersion.get()};
        }
    }

    @Command(name = "join", sortOptions = false, mixinStandardHelpOptions = true,
            description = {"Join this host to a fleet, once: makes the identity key here, checks that the controller's CA "
                    + "has the pinned hash before sending anything, sends the token and a certificate request, and stores "
                    + "the certificate in the state directory.",
                    "Exit status: 0 joined; 1 error (nothing stored); 2 refused by the controller (or bad usage); "
                            + "3 the controller's CA does not match --ca-hash (nothing sent)."})
    static final class JoinCommand implements Callable<Integer> {
        @Option(names = "--controller", required = true, paramLabel = "URL",
                description = "The controller's API: https://HOST:PORT (HOST:PORT and HOST, port 7443, also work).")
        String controller;
        @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FLEET_JOIN_TOKEN}",
                description = "The join token from `fleet token create` (single use; default: $FLEET_JOIN_TOKEN). Never logged.")
        String token;
        @Option(names = "--ca-hash", required = true, paramLabel = "sha256:HEX",
                description = "The fleet CA's pin, as `fleet ca show` prints it.")
        String caHash;
        @Option(names = "--node", required = true, paramLabel = "NAME",
                description = "This node's name, the one the token was created for (the controller refuses any other).")
        String node;
        @Option(names = "--state", paramLabel = "DIR", description = "The agent's state directory (default: ${DEFAULT-VALUE}).")
        Path state = LocalHome.DEFAULT_STATE;
        @Option(names = "--home", paramLabel = "PATH", description = "The API-M home this agent manages (stored; `run --home` overrides it).")
        Path home;
        @Option(names = "--force", description = "Join again over an existing identity (a new key and certificate).")
        boolean force;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (token == null || token.isBlank()) {
                err.println("error: --token is required (or set FLEET_JOIN_TOKEN)");
                return Join.FAILED;
            }
            Join.Request request;
            try {
                request = new Join.Request(Endpoint.controllerUrl(controller), token.strip(), CaPin.parse(caHash),
                        new AgentState(state), node, home, force);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return Join.FAILED;
            }
            try {
                Join.Joined joined = Join.join(request);
                out.printf("joined the fleet as %s; certificate valid until %s (renewed automatically from %s)%n",
                        joined.node(), joined.notAfter(), joined.renewalDue());
                out.printf("identity stored in %s; bridge: %s%n", request.state().identityDir(), String.join(", ", joined.bridgeEndpoints()));
                out.printf("start the agent with: fleet-agent run --state %s%n", request.state().root());
                return 0;
            } catch (Join.Failure e) {
                err.println(e.exitCode() == Join.REFUSED ? e.getMessage() : "error: " + e.getMessage());
                return e.exitCode();
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = {"Run the agent: stay connected to the controller, heartbeat, answer its requests, "
            + "renew the certificate. Stops cleanly on SIGTERM or Ctrl-C; stopping never touches the product.",
            "Logs one line per connection change to stdout."})
    static final class RunCommand implements Callable<Integer> {
        @Option(names = "--state", paramLabel = "DIR", description = "The agent's state directory, as given to join (default: ${DEFAULT-VALUE}).")
        Path state = LocalHome.DEFAULT_STATE;
        @Option(names = "--home", paramLabel = "PATH", description = "The API-M home to manage instead of the one given at join.")
        Path home;
        @Option(names = "--metrics-port", paramLabel = "PORT",
                description = "Serve this agent's metrics (Prometheus text) on GET /metrics at this port; off when not given.")
        Integer metricsPort;
        @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
                description = "The address the metrics listen on (default: ${DEFAULT-VALUE}, this host only).")
        String metricsBind;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws InterruptedException {
            AgentSettings settings = AgentSettings.defaults();
            AgentDaemon daemon;
            try {
                daemon = AgentDaemon.start(state, home, settings);
            } catch (IllegalStateException | UncheckedIOException | BundleException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 1;
            }
            if (metricsPort != null) {
                try {
                    daemon.serveMetrics(metricsBind, metricsPort).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    spec.commandLine().getErr().println("error: cannot serve metrics on " + metricsBind + ":" + metricsPort + ": "
                            + (e.getCause() == null ? e : e.getCause().getMessage()));
                    daemon.stop();
                    return 1;
                }
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                settings.log().accept("stopping");
                try {
                    daemon.stop().toCompletionStage().toCompletableFuture().get(4500, TimeUnit.MILLISECONDS);
                    settings.log().accept("stopped");
                } catch (Exception e) {
                    settings.log().accept("stopped without waiting for everything to close: " + e);
                }
                stopped.countDown();
            }, "fleet-agent-stop"));
            stopped.await();
            return 0;
        }
    }

    /** Options every local command shares. */
    static class HomeOptions {
        @Option(names = "--home", required = true, description = "The API-M home (<API-M_HOME>) to manage.")
        Path home;

        @Option(names = "--state", description = "The agent's state directory, outside the home (default: ${DEFAULT-VALUE}).")
        Path state = LocalHome.DEFAULT_STATE;

        @Option(names = "--secrets", description = "A file of name=value lines for $${secret:NAME} references; FLEET_SECRET_<NAME> variables also work.")
        Path secrets;

        BundleApplier applier() {
            return new LocalHome(home, state, secrets).applier(System.getenv());
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, description = "Apply a bundle file to the home (or, with --dry-run, show the diff).")
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

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Return the home to the revision before the current one, byte for byte.")
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

    @Command(name = "recover", mixinStandardHelpOptions = true, description = "Finish an apply or rollback interrupted by a crash (also done before every apply).")
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

    @Command(name = "history", mixinStandardHelpOptions = true, description = "List the revisions applied to the home, oldest first.")
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
