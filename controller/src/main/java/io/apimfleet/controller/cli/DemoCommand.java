package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.demo.DemoCluster;
import io.apimfleet.controller.demo.DemoDirectory;
import io.apimfleet.controller.demo.DemoException;
import io.apimfleet.controller.demo.DemoProcesses;
import io.apimfleet.controller.demo.Distribution;
import io.apimfleet.controller.demo.Programs;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.link.AgentView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet demo [--ha]}: the README's cluster on one machine, done for you from the installed
 * distribution (the {@code demo} package starts the processes), applied as {@code fleet apply}
 * applies, then left running until Ctrl-C or SIGTERM, which stop everything it started.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Runs a whole cluster on this machine until Ctrl-C: a controller, and per node of the built-in example",
                "an API-M stand-in and a joined agent, each node on its own loopback address (examples/local-five-node.yaml,",
                "with --ha examples/local-seven-node-ha.yaml); applies it as fleet apply does and prints where to look.",
                "Ctrl-C or SIGTERM stops every process it started: exit status 130 after Ctrl-C, 143 after SIGTERM;",
                "2 when it cannot begin (--dir not empty, HAProxy missing for --ha), 1 when it fails, 5 when the rollout fails."},
        usageHelpWidth = 120)
final class DemoCommand implements Callable<Integer> {
    static final String FIVE_NODES = "local-five-node.yaml";
    static final String HIGH_AVAILABILITY = "local-seven-node-ha.yaml";
    /** The load balancer's home in the HA example, replaced by one in the demo's folder. */
    static final String EXAMPLE_LB_HOME = "home: /var/lib/apim-fleet-lb";
    /** A Unix socket's path (HAProxy's admin socket) is at most 107 bytes. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    /** The JVM's exit status after SIGINT (128 + 2). */
    private static final int INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    @Option(names = "--ha", description = "seven API-M nodes, key manager and publisher doubled behind HAProxy (which must be installed)")
    boolean ha;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "keep everything in DIR: new, empty, or a previous demo's (emptied first); default: a temporary folder removed on exit")
    Path dir;

    @Option(names = "--keep", description = "keep the temporary folder on exit (its logs, homes and controller state)")
    boolean keep;

    @Option(names = "--start-delay", paramLabel = "DURATION", defaultValue = "1s",
            description = "how long each stand-in takes to start, as Carbon would (default: ${DEFAULT-VALUE})")
    String startDelay;

    private PrintWriter out;

    @Override
    public Integer call() throws InterruptedException {
        long began = System.nanoTime();
        out = spec.commandLine().getOut();
        Distribution distribution = demo(Distribution::current);
        Map<String, String> agentEnvironment = ha ? haproxyOnPath() : Map.of();
        Path example = demo(() -> distribution.example(ha ? HIGH_AVAILABILITY : FIVE_NODES));
        DemoDirectory folder = demo(() -> DemoDirectory.open(dir));
        if (keep) {
            folder.keep();
        }
        DemoProcesses processes = new DemoProcesses(folder.path());
        Stopping stopping = new Stopping(folder, processes);
        Thread hook = new Thread(stopping::run, "fleet-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            say("folder " + folder.path() + (folder.kept() ? "" : " (removed on exit; --keep keeps it)"));
            if (!folder.stoppedLeftovers().isEmpty()) {
                say("stopped " + folder.stoppedLeftovers().size() + " processes a previous demo left running in this folder (pids "
                        + folder.stoppedLeftovers().stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" ")) + ")");
            }
            Path specFile = writeSpec(example, folder);
            ClusterSpec cluster = SpecFile.readValid(specFile.toString());
            say("cluster " + cluster.cluster() + " of " + example + ": " + cluster.nodes().size() + " nodes on "
                    + cluster.nodes().stream().map(Node::host).collect(Collectors.joining(", ")));
            DemoCluster demo = new DemoCluster(distribution, folder, processes, cluster,
                    new DemoCluster.Settings(startDelay, agentEnvironment), this::say);
            demo.start();
            say(cluster.nodes().size() + " agents connected after " + seconds(began) + " s; applying it as: "
                    + distribution.command("fleet") + " apply -f " + specFile + " --state " + demo.state());
            storeAdminPassword(demo.client());
            int applied = apply(specFile, demo);
            if (applied != 0 && stopping.began()) {
                stopping.run();   // Ctrl-C while applying: the shutdown hook stops everything and says so; wait for it
                return INTERRUPTED;
            }
            if (applied != 0) {
                folder.keep();
                say("the rollout did not succeed (exit status " + applied + "); stopping everything, keeping " + folder.path() + " for its logs");
                stopNow(stopping, hook);
                return applied;
            }
            Map<String, AgentView> views = demo.awaitAllHealthy(Duration.ofSeconds(60));
            say("all healthy after " + seconds(began) + " s: " + StatusCommand.byRole(rows(cluster, views)));
            whereToLook(distribution, demo, cluster);
            say("running; Ctrl-C stops everything it started");
            new CountDownLatch(1).await();   // until Ctrl-C or SIGTERM: the shutdown hook stops everything
            return 0;
        } catch (RuntimeException e) {
            if (stopping.began()) {
                stopping.run();   // Ctrl-C while starting: the shutdown hook stops everything and says so; wait for it
                return INTERRUPTED;
            }
            folder.keep();
            say("FAILED: " + (e instanceof DemoException ? e.getMessage() : "see below"));
            say("stopping everything; keeping " + folder.path() + " for its logs");
            stopNow(stopping, hook);
            if (e instanceof DemoException) {
                return CommandLine.ExitCode.SOFTWARE;
            }
            throw e;
        }
    }

    /** Stops the demo now (a failure), instead of at exit. */
    private static void stopNow(Stopping stopping, Thread hook) {
        stopping.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running it anyway
        }
    }

    /** Stops every process of the demo once (the shutdown hook, or a failure), then releases the folder. */
    private final class Stopping implements Runnable {
        private final DemoDirectory folder;
        private final DemoProcesses processes;
        private volatile boolean began;
        private boolean done;

        Stopping(DemoDirectory folder, DemoProcesses processes) {
            this.folder = folder;
            this.processes = processes;
        }

        boolean began() {
            return began;
        }

        @Override
        public synchronized void run() {
            began = true;
            if (done) {
                return;
            }
            done = true;
            long since = System.nanoTime();
            DemoProcesses.Stopped stopped = processes.stopAll(STOP_DEADLINE);
            List<ProcessHandle> left = DemoDirectory.processesOf(folder.path());
            say("stopped " + stopped.processes() + " processes (" + stopped.products() + " products, " + stopped.agents() + " agents"
                    + (stopped.controller() ? ", the controller" : "") + ", and their children) in " + seconds(since) + " s"
                    + (stopped.killed() > 0 ? "; " + stopped.killed() + " had to be killed after " + STOP_DEADLINE.toSeconds() + " s" : "")
                    + (left.isEmpty() ? "; none left running" : "; STILL RUNNING: "
                    + left.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "))));
            try {
                folder.close();
                say(folder.kept() ? "kept " + folder.path() : "removed " + folder.path());
            } catch (RuntimeException e) {
                say("could not remove " + folder.path() + ": " + e.getMessage());
            }
        }
    }

    /** The agents' environment: PATH gains HAProxy's folder when it is not on it (Debian puts it in /usr/sbin). */
    private Map<String, String> haproxyOnPath() {
        String path = System.getenv("PATH");
        Path haproxy = Programs.find("haproxy", path).orElseThrow(() -> new UserError(FleetCommand.EXIT_USER_ERROR, List.of(
                "fleet demo --ha: HAProxy is not installed (no haproxy on PATH nor in /usr/local/sbin, /usr/sbin, /sbin).",
                "Install it, e.g. on Debian or Ubuntu: sudo apt-get install haproxy",
                "or run fleet demo without --ha (five nodes, no load balancer).")));
        say("load balancer: " + haproxy);
        return Map.of("PATH", Programs.withDir(path, haproxy.getParent()));
    }

    /** The example as it is applied: {@code DIR/cluster.yaml}; with --ha, the load balancer's home in the demo's folder. */
    private Path writeSpec(Path example, DemoDirectory folder) {
        try {
            String yaml = Files.readString(example);
            if (ha) {
                Path lbHome = folder.resolve("homes/lb1");
                if (lbHome.resolve("haproxy.sock").toString().length() > MAX_SOCKET_PATH) {
                    throw new DemoException(folder.path() + " is too long a path for HAProxy's admin socket (" + lbHome.resolve("haproxy.sock")
                            + " must be at most " + MAX_SOCKET_PATH + " bytes); give a shorter --dir");
                }
                if (!yaml.contains(EXAMPLE_LB_HOME)) {
                    throw new DemoException(example + " does not give the load balancer '" + EXAMPLE_LB_HOME + "' any more; the demo puts that home in its folder");
                }
                yaml = yaml.replace(EXAMPLE_LB_HOME, "home: \"" + lbHome + "\"");
            }
            return Files.writeString(folder.resolve("cluster.yaml"), yaml);
        } catch (IOException e) {
            throw new DemoException("cannot write " + folder.resolve("cluster.yaml") + ": " + e.getMessage());
        }
    }

    /** The spec's ${secret:admin-password}: random, stored sealed in the controller, never printed (the stand-ins do not ask for it). */
    private static void storeAdminPassword(ControllerClient client) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        ControllerOption.calling("fleet demo", () -> {
            client.putSecret("admin-password", Base64.getUrlEncoder().withoutPadding().encodeToString(random));
            return null;
        });
    }

    /** {@code fleet apply}, in this JVM and on this terminal: the same checks, rollout and progress lines. */
    private int apply(Path specFile, DemoCluster demo) {
        CommandLine fleet = FleetCommand.commandLine();
        fleet.setOut(out);
        fleet.setErr(spec.commandLine().getErr());
        return fleet.execute("apply", "-f", specFile.toString(), "--state", demo.state().toString(), "--controller", demo.api().toString());
    }

    private void whereToLook(Distribution distribution, DemoCluster demo, ClusterSpec cluster) {
        String fleet = distribution.command("fleet").toString();
        String state = demo.state().toString();
        out.println("  status     " + fleet + " status --state " + state);
        out.println("  events     " + fleet + " events --state " + state + " --follow");
        out.println("  metrics    curl --cacert " + demo.state().resolve(ControllerClient.ADMIN_CA) + " --cert "
                + demo.state().resolve(ControllerClient.ADMIN_CRT) + " --key " + demo.state().resolve(ControllerClient.ADMIN_KEY) + " "
                + demo.api() + "/metrics");
        out.println("  nodes      (TLS certificates from the product CA: curl --cacert " + demo.state().resolve("ca/product-ca.crt") + " URL)");
        for (Node node : cluster.nodes()) {
            out.printf("    %-7s %-16s %s%n", node.name(), node.role().yamlName(), urls(cluster, node));
        }
        out.println("  logs       " + demo.logs() + " (controller.log, agent-NODE.log); each stand-in's in "
                + demo.state().resolveSibling("homes") + "/NODE/repository/logs/wso2carbon.log");
        out.flush();
    }

    private static String urls(ClusterSpec cluster, Node node) {
        if (node.role() == Role.LOAD_BALANCER) {
            return cluster.loadBalancer().endpoints().entrySet().stream()
                    .map(e -> e.getKey().yamlName() + " " + https(e.getValue()) + "/carbon/admin/login.jsp")
                    .collect(Collectors.joining(", "));
        }
        String host = node.host();
        String console = "https://" + host + ":" + (9443 + node.portOffset()) + "/carbon/admin/login.jsp";
        return node.role() == Role.GATEWAY
                ? console + ", APIs https://" + host + ":" + (8243 + node.portOffset()) + " and http://" + host + ":" + (8280 + node.portOffset())
                : console;
    }

    private static String https(Endpoint endpoint) {
        return "https://" + endpoint.authority();
    }

    private static List<StatusCommand.NodeStatus> rows(ClusterSpec cluster, Map<String, AgentView> views) {
        List<StatusCommand.NodeStatus> rows = new ArrayList<>();
        for (Node node : cluster.nodes()) {
            AgentView view = views.get(node.name());
            rows.add(new StatusCommand.NodeStatus(node.name(), node.role().yamlName(), node.host(), view != null && view.connected(),
                    view == null ? null : view.productState(), view == null ? null : view.health(), view == null ? null : view.bundleRevision()));
        }
        return rows;
    }

    /** A step before anything runs: what it refuses is the user's to fix (exit status 2). */
    private <T> T demo(Supplier<T> step) {
        try {
            return step.get();
        } catch (DemoException e) {
            throw new UserError(FleetCommand.EXIT_USER_ERROR, "fleet demo: " + e.getMessage());
        }
    }

    private void say(String line) {
        out.println("fleet demo: " + line);
        out.flush();
    }

    private static String seconds(long since) {
        return String.format("%.1f", (System.nanoTime() - since) / 1e9);
    }
}
