package io.apimfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.agent.enroll.AgentState;
import io.apimfleet.agent.enroll.CaPin;
import io.apimfleet.agent.enroll.Join;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.JoinTokens;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.AgentView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A cluster on one machine (five nodes by default), as an operator would build it by hand: a controller, and per
 * node a stand-in home ({@code apim-standin make-home}), a join token, {@code fleet-agent join} and
 * {@code fleet-agent run}; each node on its own loopback address. The controller, the agents and the
 * products are real processes of the built distribution; tokens and joins are made in this JVM.
 */
final class LocalCluster implements AutoCloseable {
    /** Node name to host (its own loopback address), in start order. */
    static final Map<String, String> NODES = nodes();
    /** The load-balancer role's name in specs: its node gets an empty home, not a stand-in. */
    static final String LOAD_BALANCER = "load-balancer";
    /**
     * Short, so a killed agent is noticed quickly, but more than two of the agents' 5 s heartbeat
     * intervals: a busy machine delays a heartbeat now and then (5 s, equal to the interval, made
     * agents "lost" under load).
     */
    static final String HEARTBEAT_TIMEOUT = "11s";

    /** This cluster's nodes: name to host, and name to role. */
    final Map<String, String> hosts;
    final Map<String, String> roles;

    final Path dir;
    /** The controller's state; clustered, the first controller's (the others joined it). */
    final Path state;
    final String apiPort;
    final String bridgePort;
    /** Clustered: the controllers, as last started; empty for a lone controller. */
    final List<ClusteredControllers.Member> controllers = new CopyOnWriteArrayList<>();
    /** Where agents join: the controller; clustered, the leader (the join names its bridge first, so agents link to it). */
    private final URI joinAt;
    /** The state of the controller agents join: their tokens are made there (clustered, each controller knows only its own). */
    private final Path tokensIn;
    final Map<String, Launched> agents = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Launched> running = new CopyOnWriteArrayList<>();
    private Launched controller;

    private static Map<String, String> nodes() {
        Map<String, String> nodes = new LinkedHashMap<>();
        nodes.put("km1", "127.0.0.11");
        nodes.put("pub1", "127.0.0.12");
        nodes.put("store1", "127.0.0.13");
        nodes.put("tm1", "127.0.0.14");
        nodes.put("gw1", "127.0.0.15");
        return nodes;
    }

    LocalCluster(Path dir, String startDelay) throws IOException {
        this(dir, startDelay, NODES, fiveRoles());
    }

    private static Map<String, String> fiveRoles() {
        Map<String, String> roles = new LinkedHashMap<>();
        NODES.keySet().forEach(n -> roles.put(n, role(n)));
        return roles;
    }

    /** Any cluster: one {@code {name, host, role}} per node, in start order. */
    LocalCluster(Path dir, String startDelay, String[][] nodes) throws IOException {
        this(dir, startDelay, column(nodes, 1), column(nodes, 2));
    }

    private static Map<String, String> column(String[][] nodes, int index) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String[] node : nodes) {
            byName.put(node[0], node[index]);
        }
        return byName;
    }

    /** Any cluster: {@code hosts} and {@code roles} by node name, in start order. */
    LocalCluster(Path dir, String startDelay, Map<String, String> hosts, Map<String, String> roles) throws IOException {
        this(dir, startDelay, hosts, roles, List.of());
    }

    /**
     * Any cluster, its nodes managed by clustered controllers ({@code fleet controller run --cluster}),
     * one on each of {@code controllerIps}: the second and later joined to the first with
     * {@code fleet controller join} ({@link ClusteredControllers}), after the first's state holds the
     * cluster's secrets. Agents join through the leader.
     */
    static LocalCluster clustered(Path dir, String startDelay, String[][] nodes, List<String> controllerIps) throws IOException {
        return new LocalCluster(dir, startDelay, column(nodes, 1), column(nodes, 2), controllerIps);
    }

    private LocalCluster(Path dir, String startDelay, Map<String, String> hosts, Map<String, String> roles, List<String> controllerIps)
            throws IOException {
        this.dir = dir;
        this.hosts = hosts;
        this.roles = roles;
        this.state = dir.resolve("controller");
        List<ClusteredControllers.Member> planned = controllerIps.isEmpty() ? List.of() : ClusteredControllers.plan(controllerIps, state);
        String host = planned.isEmpty() ? "127.0.0.1" : planned.get(0).ip();
        this.apiPort = planned.isEmpty() ? freePort() : Integer.toString(planned.get(0).apiPort());
        this.bridgePort = freePort();
        Launched.run(dir.resolve("logs/init.log"), "fleet", "init", "--state", state.toString(), "--advertise", host + ":" + apiPort);
        long started = System.nanoTime();
        if (planned.isEmpty()) {
            startController();
            this.joinAt = URI.create("https://" + host + ":" + apiPort);
            this.tokensIn = state;
        } else {
            new SecretStore(ControllerState.open(state)).putAll(secrets(), Instant.now());   // before the others join: each gets the sealed store at its join
            controllers.addAll(ClusteredControllers.start(dir, planned));
            controllers.forEach(c -> running.add(c.process()));
            ClusteredControllers.Member leader = ClusteredControllers.awaitLeader(controllers, 0);
            this.joinAt = leader.api();
            this.tokensIn = leader.state();
        }
        // The agents and products run as real processes; the tokens and joins go through the calls `fleet token create`
        // and `fleet-agent join` make (those commands run as processes in ControllerAndAgentsProcessTest, DemoTest and
        // DebianPackagesTest): each process start costs a JVM start, and the e2e classes are bound by this machine's two cores.
        ControllerState controllerState = ControllerState.open(tokensIn);
        List<JoinTokens.IssuedToken> tokens = controllerState.tokens().createAll(List.copyOf(hosts.keySet()), Duration.ofMinutes(15), Instant.now());
        CaPin pin = CaPin.parse("sha256:" + controllerState.fleetCa().spkiSha256());
        // two nodes at a time (this machine's cores): a node's steps depend only on each other
        ExecutorService setUp = Executors.newFixedThreadPool(2);
        try {
            List<Future<Launched>> joined = new ArrayList<>();
            for (JoinTokens.IssuedToken token : tokens) {
                joined.add(setUp.submit(() -> joinNode(token, pin, startDelay)));
            }
            for (Future<Launched> agent : joined) {
                agent.get(3, TimeUnit.MINUTES);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new AssertionError("a node could not join: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the nodes did not join within 3 minutes", e);
        } finally {
            setUp.shutdownNow();
        }
        awaitAllConnected(Duration.ofSeconds(30));
        System.out.printf(Locale.ROOT, "cluster of %d nodes joined and connected in %.1f s%n", hosts.size(), (System.nanoTime() - started) / 1e9);
    }

    /** A node as an operator makes it: its home, {@code fleet-agent join} with its token, then its agent running. */
    private Launched joinNode(JoinTokens.IssuedToken token, CaPin pin, String startDelay) throws IOException {
        String node = token.node();
        if (LOAD_BALANCER.equals(roles.get(node))) {
            Files.createDirectories(home(node));
            // nginx started by a root agent runs its workers as nobody: they need search permission down to the home
            for (Path path : List.of(dir, home(node).getParent())) {
                Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            }
            Files.setPosixFilePermissions(home(node), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
            Launched.run(dir.resolve("logs/make-home-" + node + ".log"), "apim-standin", "make-home", "--start-delay", startDelay,
                    home(node).toString());
        }
        Join.join(new Join.Request(joinAt, token.token(), pin, new AgentState(agentState(node)), node,
                home(node), false));
        return startAgent(node);
    }

    private void startController() {
        controller = Launched.start(dir.resolve("logs/controller-" + System.nanoTime() + ".log"), "fleet", "controller", "run",
                "--state", state.toString(), "--bind", "127.0.0.1", "--api-port", apiPort, "--bridge-port", bridgePort,
                "--heartbeat-timeout", HEARTBEAT_TIMEOUT);
        running.add(controller);
        await().atMost(Duration.ofSeconds(30)).until(() -> connectedCount() >= 0);
    }

    /** Stops the controller (SIGTERM) and starts it again on the same state; waits until every agent is back. */
    void restartController() {
        controller.close();
        startController();
        awaitAllConnected(Duration.ofSeconds(30));
    }

    /** SIGKILL to the controller, as a crash would do; then it starts again on the same state and every agent comes back. */
    void crashAndRestartController() throws InterruptedException {
        crashController();
        startControllerAfterCrash();
    }

    /** SIGKILL to the controller; returns once it is dead. */
    void crashController() throws InterruptedException {
        controller.process().destroyForcibly();
        if (!controller.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the controller did not die of SIGKILL within 10 s");
        }
    }

    /** Starts the controller again on the same state; waits until every agent is back. */
    void startControllerAfterCrash() {
        startController();
        awaitAllConnected(Duration.ofSeconds(30));
    }

    Path home(String node) {
        return dir.resolve("homes").resolve(node);
    }

    Path agentState(String node) {
        return dir.resolve("hosts").resolve(node);
    }

    Launched startAgent(String node) {
        Launched agent = Launched.start(dir.resolve("logs/agent-" + node + "-" + System.nanoTime() + ".log"), "fleet-agent", "run",
                "--state", agentState(node).toString());
        running.add(agent);
        agents.put(node, agent);
        return agent;
    }

    /** The spec of this cluster, with test timings; {@code extra} is appended (YAML at top level). */
    String spec(String rollout, String extra) {
        StringBuilder yaml = new StringBuilder(specHead("e2e")).append("jvm: { heap: { default: 64m } }\n").append("nodes:\n");
        yaml.append(nodeLines(node -> true));
        yaml.append("rollout: ").append(rollout).append('\n');
        if (!extra.isEmpty()) {
            yaml.append(extra).append('\n');
        }
        return yaml.toString();
    }

    /** The top of every spec of these tests: cluster {@code name}, this JVM's Java for the products, the admin from a secret. */
    static String specHead(String name) {
        return """
                apiVersion: apim-fleet/v1
                cluster: %s
                product: { javaHome: "%s" }
                admin: { username: admin, password: "${secret:admin-password}" }
                """.formatted(name, System.getProperty("java.home"));
    }

    /** The spec's {@code nodes:} entries of this cluster's nodes that {@code included} accepts, each with its home. */
    String nodeLines(java.util.function.Predicate<String> included) {
        StringBuilder lines = new StringBuilder();
        hosts.forEach((node, host) -> {
            if (included.test(node)) {
                lines.append("  - { name: ").append(node).append(", role: ").append(roles.get(node)).append(", host: ").append(host)
                        .append(", home: \"").append(home(node)).append("\" }\n");
            }
        });
        return lines.toString();
    }

    /**
     * {@code fleet apply -f NAME} of {@code yaml} (written beside the logs) with the cluster's
     * secrets and {@code extra} options; fails the test when it has not ended within 180 s.
     */
    Launched apply(String name, String yaml, String... extra) throws InterruptedException {
        Path spec = writeSpec(name, yaml);
        List<String> args = new ArrayList<>(List.of("apply", "-f", spec.toString(), "--state", state.toString(), "--secrets", secretsFile().toString(),
                "--controller", api().toString()));
        args.addAll(List.of(extra));
        Launched apply = Launched.start(dir.resolve("logs/apply-" + name + "-" + System.nanoTime() + ".log"), "fleet", args.toArray(String[]::new));
        if (!apply.process().waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
            apply.close();
            throw new AssertionError("fleet apply " + name + " did not finish within 180 s:\n" + apply.output() + logs());
        }
        return apply;
    }

    static String role(String node) {
        return switch (node) {
            case "km1" -> "key-manager";
            case "pub1" -> "publisher";
            case "store1" -> "store";
            case "tm1" -> "traffic-manager";
            default -> "gateway";
        };
    }

    Path writeSpec(String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The secrets every spec of these tests references. */
    static Map<String, String> secrets() {
        return Map.of("admin-password", "e2e-Admin-pw");
    }

    Path secretsFile() {
        StringBuilder lines = new StringBuilder();
        secrets().forEach((name, value) -> lines.append(name).append('=').append(value).append('\n'));
        try {
            return Files.writeString(dir.resolve("secrets.txt"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The controller's API; clustered, the leader's (waiting for the controllers alive to agree on one). */
    URI api() {
        return controllers.isEmpty() ? URI.create("https://127.0.0.1:" + apiPort) : leader().api();
    }

    /** Clustered: the leader the controllers alive agree on, waiting for one. */
    ClusteredControllers.Member leader() {
        return ClusteredControllers.awaitLeader(controllers.stream().filter(ClusteredControllers.Member::alive).toList(), 0);
    }

    ControllerClient client() {
        return ControllerClient.admin(state, api());
    }

    /** {@code fleet events --output json}: the whole journal. */
    List<JsonNode> journal() {
        String ndjson = Launched.run(dir.resolve("logs/events.log"), "fleet", "events", "--state", state.toString(), "--controller", api().toString(),
                "--output", "json");
        List<JsonNode> events = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            if (!line.isBlank()) {
                try {
                    events.add(Json.mapper().readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return events;
    }

    /** Agents connected; clustered, to any controller (the leader counts an agent linked to another). */
    long connectedCount() {
        try {
            return client().agents().stream().filter(AgentView::connected).count();
        } catch (RuntimeException controllerNotUpYet) {
            return -1;
        }
    }

    void awaitAllConnected(Duration deadline) {
        try {
            await().atMost(deadline).pollInterval(Duration.ofMillis(200)).until(() -> connectedCount() == hosts.size());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not all agents connected within " + deadline + "; connected: " + connectedCount() + logs(), e);
        }
    }

    /** Every process's output and every stand-in's log, for a failure message. */
    String logs() {
        StringBuilder logs = new StringBuilder();
        running.forEach(p -> logs.append("\n--- ").append(p.log().getFileName()).append('\n').append(tail(p.output())));
        for (String node : hosts.keySet()) {
            Path log = home(node).resolve("repository/logs/wso2carbon.log");
            try {
                logs.append("\n--- ").append(node).append(" wso2carbon.log\n").append(Files.exists(log) ? tail(Files.readString(log)) : "(none)");
            } catch (IOException e) {
                logs.append("(unreadable)");
            }
        }
        return logs.toString();
    }

    private static String tail(String text) {
        return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    /**
     * Stops the agents and the controller, then every stand-in and load balancer (they outlive their
     * agents by design; stopped after them, no agent restarts one).
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        stopAll(running.stream().map(launched -> launched.process().toHandle()).toList());
        List<ProcessHandle> products = new ArrayList<>();
        for (String node : hosts.keySet()) {
            for (String pidFile : LOAD_BALANCER.equals(roles.get(node)) ? List.of("haproxy.pid", "nginx.pid") : List.of("wso2carbon.pid")) {
                running(home(node).resolve(pidFile)).ifPresent(products::add);
            }
        }
        stopAll(products);
        System.out.printf(Locale.ROOT, "cluster stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** SIGTERM to all at once, then each gets 10 s to end before SIGKILL. */
    private static void stopAll(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static java.util.Optional<ProcessHandle> running(Path pidFile) {
        try {
            return Files.exists(pidFile) ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())) : java.util.Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();   // nothing running there
        }
    }
}
