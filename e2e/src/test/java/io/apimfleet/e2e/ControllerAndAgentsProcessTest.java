package io.apimfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The walk-through with real processes from the built distribution: a controller and
 * three agents on loopback, joined with tokens, all connected; the controller stopped and started
 * again, all reconnected with their agents still running. Deadlines are generous (a loaded CI
 * machine); the times it took are printed as figures, not asserted.
 */
class ControllerAndAgentsProcessTest {
    private static final Pattern JOIN = Pattern.compile("--token (\\S+) --ca-hash (sha256:[0-9a-f]{64})");
    private static final List<String> NODES = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;
    final List<Launched> running = new ArrayList<>();
    String apiPort;
    String bridgePort;
    Path state;

    @AfterEach
    void stopEverything() {
        running.forEach(Launched::close);
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    private Launched controller(String name) {
        Launched controller = Launched.start(dir.resolve("logs/" + name + ".log"), "fleet", "controller", "run", "--state", state.toString(),
                "--bind", "127.0.0.1", "--api-port", apiPort, "--bridge-port", bridgePort);
        running.add(controller);
        return controller;
    }

    /**
     * n1 gets a bundle whose process is a small stand-in product; {@code fleet node start} starts
     * it; the agent is killed with SIGKILL and started again: it adopts the same, still running
     * product, which {@code fleet node stop} then stops.
     */
    private void productSurvivesAnAgentKilledWithSigkill(Launched agent) throws Exception {
        ControllerClient client = ControllerClient.admin(state, URI.create("https://127.0.0.1:" + apiPort));
        Bundle bundle = new Bundle("n1", 1, List.of(FileWrite.text("product.txt", "stand-in\n", "0644")),
                new ProcessSpec(List.of("sh", "-c", "echo product up; trap 'exit 0' TERM; while :; do sleep 1; done"), Map.of()));
        AgentReply applied = client.nodeRequest("n1", "apply", bundle, false);
        assertThat(applied.ok()).as(applied.error()).isTrue();
        assertThat(Launched.run(dir.resolve("logs/node-start.log"), "fleet", "node", "start", "n1", "--state", state.toString()))
                .contains("n1: started, pid");
        Path pidFile = dir.resolve("hosts/n1/product/pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        await().atMost(Duration.ofSeconds(30)).until(() -> Launched.run(dir.resolve("logs/node-logs.log"), "fleet", "node", "logs", "n1",
                "--lines", "5", "--state", state.toString()).contains("product up"));

        agent.process().destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);   // SIGKILL
        assertThat(ProcessHandle.of(pid)).as("the product outlives its agent").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        Launched again = Launched.start(dir.resolve("logs/agent-n1-again.log"), "fleet-agent", "run", "--state", dir.resolve("hosts/n1").toString());
        running.add(again);
        // Its own log first: the controller may still count the killed agent's link as connected.
        await().atMost(Duration.ofSeconds(30)).until(() -> again.output().contains("link: connected to 127.0.0.1:" + bridgePort));
        awaitAllConnected(Duration.ofSeconds(30));
        assertThat(Long.parseLong(Files.readString(pidFile).strip())).as("adopted, not restarted").isEqualTo(pid);
        assertThat(Launched.run(dir.resolve("logs/node-stop.log"), "fleet", "node", "stop", "n1", "--state", state.toString()))
                .contains("n1: stopped");
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    /** Agents the controller sees connected, asked in-process with the admin certificate (-1: not reachable yet). */
    private long connectedCount() {
        try {
            return ControllerClient.admin(state, URI.create("https://127.0.0.1:" + apiPort)).agents().stream()
                    .filter(AgentView::connected).count();
        } catch (RuntimeException controllerNotUpYet) {
            return -1;
        }
    }

    private void awaitAllConnected(Duration deadline) {
        try {
            await().atMost(deadline).pollInterval(Duration.ofMillis(200)).until(() -> connectedCount() == NODES.size());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder("not all agents connected within " + deadline + "; connected: " + connectedCount());
            running.forEach(p -> logs.append("\n--- ").append(p.log().getFileName()).append('\n').append(p.output()));
            throw new AssertionError(logs.toString(), e);
        }
    }

    /** What an operator sees: {@code fleet agents -o json}, run as a process. */
    private JsonNode agentsAsJson() throws IOException {
        return Json.mapper().readTree(Launched.run(dir.resolve("logs/agents.log"), "fleet", "agents", "--state", state.toString(), "--output", "json"));
    }

    @Test
    void threeAgentsJoinConnectAndReconnectAfterTheControllerRestarts() throws Exception {
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/fleet"))).as("built distribution at " + Launched.DIST).isTrue();
        apiPort = freePort();
        bridgePort = freePort();
        state = dir.resolve("controller");
        Launched.run(dir.resolve("logs/init.log"), "fleet", "init", "--state", state.toString(), "--advertise", "127.0.0.1:" + apiPort);
        Launched controller = controller("controller-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> connectedCount() >= 0);

        List<Launched> agents = new ArrayList<>();
        for (String node : NODES) {
            Matcher join = JOIN.matcher(Launched.run(dir.resolve("logs/token-" + node + ".log"), "fleet", "token", "create",
                    "--state", state.toString(), "--node", node));
            assertThat(join.find()).isTrue();
            Path agentState = dir.resolve("hosts").resolve(node);
            Path home = Files.createDirectories(dir.resolve("homes").resolve(node));
            Launched.run(dir.resolve("logs/join-" + node + ".log"), "fleet-agent", "join", "--controller", "https://127.0.0.1:" + apiPort,
                    "--node", node, "--token", join.group(1), "--ca-hash", join.group(2), "--state", agentState.toString(), "--home", home.toString());
        }
        long started = System.nanoTime();
        for (String node : NODES) {
            Launched agent = Launched.start(dir.resolve("logs/agent-" + node + ".log"), "fleet-agent", "run", "--state", dir.resolve("hosts").resolve(node).toString());
            running.add(agent);
            agents.add(agent);
        }
        awaitAllConnected(Duration.ofSeconds(30));
        long connectedMs = (System.nanoTime() - started) / 1_000_000;

        controller.close();
        long restarted = System.nanoTime();
        controller("controller-2");
        AtomicReference<Long> reconnectedMs = new AtomicReference<>();
        awaitAllConnected(Duration.ofSeconds(30));
        reconnectedMs.set((System.nanoTime() - restarted) / 1_000_000);

        assertThat(agents).allSatisfy(agent -> assertThat(agent.process().isAlive()).as(agent.output()).isTrue());
        List<Long> rss = agents.stream().map(Launched::rssKb).toList();
        productSurvivesAnAgentKilledWithSigkill(agents.get(0));
        System.out.printf("process test: 3 agents connected %d ms after start; all reconnected %d ms after the controller restart; agent RSS kB %s%n",
                connectedMs, reconnectedMs.get(), rss);
        JsonNode listed = agentsAsJson();
        assertThat(listed).hasSize(NODES.size()).allSatisfy(agent -> assertThat(agent.path("connected").asBoolean()).isTrue());
        String events = Launched.run(dir.resolve("logs/events.log"), "fleet", "events", "--state", state.toString());
        assertThat(events).contains("agent.connected");
    }
}
