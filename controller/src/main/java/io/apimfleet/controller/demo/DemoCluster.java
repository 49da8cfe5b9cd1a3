package io.apimfleet.controller.demo;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.ControllerStateException;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.link.AgentView;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Brings up, from the installed distribution, what the README's "cluster on one machine" does by
 * hand: the controller's state ({@code fleet init}), {@code fleet controller run}, and per node of
 * the spec a home ({@code apim-standin make-home}; an empty one for the load balancer), a join
 * token, {@code fleet-agent join} and {@code fleet-agent run}; until every agent is connected.
 * Everything lives in the demo's folder: {@code controller/}, {@code homes/NODE},
 * {@code hosts/NODE} (agents' state) and {@code logs/}.
 */
public final class DemoCluster {
    /** The controller's ports when they are free, else any free ones. */
    static final int API_PORT = 7443;
    static final int BRIDGE_PORT = 7444;
    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(90);
    private static final Duration CONTROLLER_DEADLINE = Duration.ofSeconds(60);

    /** How to start it: the start delay of every stand-in, and the agents' extra environment (PATH with HAProxy). */
    public record Settings(String startDelay, Map<String, String> agentEnvironment) {
    }

    private final Distribution distribution;
    private final DemoDirectory dir;
    private final DemoProcesses processes;
    private final ClusterSpec spec;
    private final Settings settings;
    private final Consumer<String> say;
    private URI api;

    public DemoCluster(Distribution distribution, DemoDirectory dir, DemoProcesses processes, ClusterSpec spec, Settings settings,
                       Consumer<String> say) {
        this.distribution = distribution;
        this.dir = dir;
        this.processes = processes;
        this.spec = spec;
        this.settings = settings;
        this.say = say;
    }

    public Path state() {
        return dir.resolve("controller");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    public Path home(Node node) {
        return dir.resolve("homes").resolve(node.name());
    }

    public Path agentState(Node node) {
        return dir.resolve("hosts").resolve(node.name());
    }

    /** The controller's API ({@code https://127.0.0.1:PORT}), once started. */
    public URI api() {
        return api;
    }

    public ControllerClient client() {
        return ControllerClient.admin(state(), api);
    }

    /** Starts everything and waits until every node's agent is connected. */
    public void start() {
        int[] ports = ports();
        api = URI.create("https://127.0.0.1:" + ports[0]);
        ControllerState state = init("127.0.0.1:" + ports[0]);
        Process controller = processes.start("controller", "controller", logs().resolve("controller.log"), List.of(distribution.command("fleet").toString(),
                "controller", "run", "--state", state().toString(), "--bind", "127.0.0.1",
                "--api-port", Integer.toString(ports[0]), "--bridge-port", Integer.toString(ports[1])), Map.of());
        say.accept("controller " + api + " starting (log: " + logs().resolve("controller.log") + ")");
        Map<String, String> tokens = new LinkedHashMap<>();
        spec.nodes().forEach(node -> tokens.put(node.name(), state.tokens().create(node.name(), Duration.ofMinutes(15)).token()));
        String pin = "sha256:" + state.fleetCa().spkiSha256();
        CompletableFuture<Void> controllerUp = CompletableFuture.runAsync(() -> awaitController(controller));

        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<CompletableFuture<Void>> nodes = new ArrayList<>();
            for (Node node : spec.nodes()) {
                nodes.add(CompletableFuture.runAsync(() -> {
                    makeHome(node);
                    controllerUp.join();
                    join(node, tokens.get(node.name()), pin);
                    startAgent(node);
                }, pool));
            }
            CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof DemoException d ? d : new DemoException(String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        awaitAllConnected();
    }

    private ControllerState init(String advertise) {
        try {
            return ControllerState.init(state(), advertise);
        } catch (ControllerStateException | IllegalArgumentException e) {
            throw new DemoException("cannot make the controller's state in " + state() + ": " + e.getMessage());
        }
    }

    private void makeHome(Node node) {
        Path home = home(node);
        try {
            if (node.role() == Role.LOAD_BALANCER) {
                Files.createDirectories(home);
                Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
                return;
            }
            Files.createDirectories(home.getParent());
        } catch (IOException e) {
            throw new DemoException("cannot make " + home + ": " + e.getMessage());
        }
        processes.run("apim-standin make-home for " + node.name(), logs().resolve("make-home-" + node.name() + ".log"),
                List.of(distribution.command("apim-standin").toString(), "make-home", "--start-delay", settings.startDelay(), home.toString()),
                Map.of(), COMMAND_DEADLINE);
    }

    /** {@code fleet-agent join}, the token in the environment (FLEET_JOIN_TOKEN): never on a command line, never printed. */
    private void join(Node node, String token, String pin) {
        processes.run("fleet-agent join for " + node.name(), logs().resolve("join-" + node.name() + ".log"),
                List.of(distribution.command("fleet-agent").toString(), "join", "--controller", api.toString(), "--node", node.name(),
                        "--ca-hash", pin, "--state", agentState(node).toString(), "--home", home(node).toString()),
                Map.of("FLEET_JOIN_TOKEN", token), COMMAND_DEADLINE);
    }

    private void startAgent(Node node) {
        Path log = logs().resolve("agent-" + node.name() + ".log");
        processes.start("agent", node.name(), log, List.of(distribution.command("fleet-agent").toString(), "run",
                "--state", agentState(node).toString()), settings.agentEnvironment());
        processes.product(node.name(), agentState(node).resolve("product/pid"));
        say.accept(node.name() + " (" + node.role().yamlName() + ", " + node.host() + "): "
                + (node.role() == Role.LOAD_BALANCER ? "home made" : "stand-in home made") + ", agent joined and running (log: " + log + ")");
    }

    private void awaitController(Process controller) {
        ControllerClient client = client();
        Path log = logs().resolve("controller.log");
        until("the controller to answer on " + api, CONTROLLER_DEADLINE, log, () -> {
            if (!controller.isAlive()) {
                throw new DemoException("the controller exited (status " + controller.exitValue() + "); its output: " + log
                        + DemoProcesses.tail(log));
            }
            try {
                client.agents();
                return true;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    private void awaitAllConnected() {
        ControllerClient client = client();
        until("every agent to connect", CONTROLLER_DEADLINE, logs(), () -> {
            try {
                return client.agents().stream().filter(AgentView::connected).count() == spec.nodes().size();
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    /** Waits until every node's agent is connected and reports the node healthy; their views, by node name. */
    public Map<String, AgentView> awaitAllHealthy(Duration deadline) {
        ControllerClient client = client();
        Map<String, AgentView> views = new LinkedHashMap<>();
        until("every node to report healthy", deadline, logs(), () -> {
            try {
                views.clear();
                client.agents().forEach(view -> views.put(view.node(), view));
            } catch (RuntimeException notYet) {
                return false;
            }
            return spec.nodes().stream().map(node -> views.get(node.name()))
                    .allMatch(view -> view != null && view.connected() && "healthy".equals(view.health()));
        });
        return views;
    }

    /** Polls {@code condition} every 200 ms until it holds; a DemoException at the deadline. */
    static void until(String what, Duration deadline, Path log, Supplier<Boolean> condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > end) {
                throw new DemoException("gave up waiting for " + what + " after " + deadline.toSeconds() + " s; see " + log);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted while waiting for " + what);
            }
        }
    }

    /** 7443 and 7444 when both are free on 127.0.0.1 (as in the docs), else two free ports. */
    private static int[] ports() {
        if (free(API_PORT) && free(BRIDGE_PORT)) {
            return new int[] {API_PORT, BRIDGE_PORT};
        }
        try (ServerSocket api = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket bridge = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {api.getLocalPort(), bridge.getLocalPort()};
        } catch (IOException e) {
            throw new DemoException("no free port on 127.0.0.1: " + e.getMessage());
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
