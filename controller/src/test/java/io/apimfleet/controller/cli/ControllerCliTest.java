package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.testing.FreePorts;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.FileChange;
import io.apimfleet.protocol.bundle.OperationResult;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.BridgeFrame;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The admin commands against a running controller: agents, status, events, plan; and controller run itself. */
class ControllerCliTest {
    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx = Vertx.vertx();

    @AfterEach
    void tearDown() {
        vertx.close();
        if (controller != null) {
            controller.close();
        }
    }

    private FleetRun fleet(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--state";
        all[args.length + 1] = controller.state().dir().toString();
        all[args.length + 2] = "--controller";
        all[args.length + 3] = controller.api().toString();
        return FleetRun.of(all);
    }

    private TestAgent connected(String node) throws Exception {
        TestAgent agent = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll(node), controller.caPem());
        agent.register(Addresses.commands(node));
        agent.heartbeat(node + ".example", null);
        await().atMost(Duration.ofSeconds(5)).until(() -> controller.admin().agents().stream().anyMatch(v -> v.node().equals(node) && v.connected()));
        return agent;
    }

    private Path spec(String name) throws Exception {
        Path spec = tmp.resolve(name);
        try (InputStream fixture = getClass().getResourceAsStream("/specs/" + name)) {
            Files.copy(fixture, spec);
        }
        return spec;
    }

    @Test
    void agentsShowsTheLiveViewOfTheController() throws Exception {
        controller = RunningController.start(tmp);
        controller.enroll("gw1");
        try (TestAgent km1 = connected("km1")) {
            FleetRun run = fleet("agents");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.outLines().get(0)).startsWith("NODE").contains("HOST", "CONNECTED", "LAST-HEARTBEAT", "PRODUCT", "REVISION", "CERT-DAYS-LEFT");
            assertThat(run.outLines()).anySatisfy(line -> assertThat(line).matches("gw1 +- +no +- +- +- +(89|90)"));
            assertThat(run.outLines()).anySatisfy(line -> assertThat(line).matches("km1 +km1\\.example +yes +\\S+Z +running +3 +(89|90)"));
        }
    }

    @Test
    void agentsWithTheControllerDownExitsThreeAndSaysWhere() {
        controller = RunningController.start(tmp);
        String api = controller.api().toString();
        controller.close();

        FleetRun run = FleetRun.of("agents", "--state", controller.state().dir().toString(), "--controller", api);
        controller = null;

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach the controller at " + api);
    }

    @Test
    void statusAsJsonHasOneObjectPerNodeOfTheSpec() throws Exception {
        controller = RunningController.start(tmp);
        try (TestAgent km1 = connected("km1")) {
            FleetRun run = fleet("status", "-f", spec("five-node.yaml").toString(), "--output", "json");

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode nodes = Json.mapper().readTree(run.out());
            assertThat(nodes).hasSize(5);
            assertThat(nodes.get(0).toString()).isEqualTo(
                    "{\"name\":\"km1\",\"role\":\"key-manager\",\"host\":\"km1.example\",\"connected\":true,\"product\":\"running\",\"health\":\"unknown\",\"revision\":3}");
            assertThat(nodes.get(4).toString()).isEqualTo(
                    "{\"name\":\"gw1\",\"role\":\"gateway\",\"host\":\"gw1.five.test\",\"connected\":false,\"product\":\"unknown\",\"health\":\"unknown\"}");
        }
    }

    @Test
    void eventsAsJsonPrintsTheNdjsonAfterTheGivenIndex() throws Exception {
        controller = RunningController.start(tmp);
        int before = controller.state().journal().size();
        controller.enroll("km1");   // token.created, enroll.accepted

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            FleetRun run = fleet("events", "--since", String.valueOf(before), "--output", "json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.outLines()).hasSize(2);
            assertThat(Json.mapper().readTree(run.outLines().get(1)).path("type").asText()).isEqualTo("enroll.accepted");
            assertThat(Json.mapper().readTree(run.outLines().get(1)).path("index").asLong()).isEqualTo(before + 2);
        });
    }

    @Test
    void eventsForPeoplePrintsIndexTimeTypeNodeAndFields() {
        controller = RunningController.start(tmp);

        FleetRun run = fleet("events");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines().get(0)).matches("1 +\\S+Z +state\\.initialised +- +adminSerial=[0-9a-f]+ advertise=controller\\.test:7443 fleetCaSha256=\\S+ productCaSha256=\\S+");
    }

    @Test
    void planPrintsTheAgentsDiffAndReport() throws Exception {
        controller = RunningController.start(tmp);
        try (TestAgent km1 = connected("km1")) {
            CompletableFuture<AgentRequest> asked = CompletableFuture.supplyAsync(() -> {
                try {
                    BridgeFrame request = km1.next(f -> BridgeFrame.MESSAGE.equals(f.type()) && f.replyAddress() != null);
                    AgentRequest parsed = Json.mapper().treeToValue(request.body(), AgentRequest.class);
                    km1.sendTo(request.replyAddress(), new AgentReply(true, null, null, new ApplyResult("km1", parsed.bundle().revision(), true,
                            List.of(new OperationResult(0, "xml.set", true, "carbon.xml HostName")),
                            List.of(new FileChange("repository/conf/carbon.xml", FileChange.Kind.MODIFIED, "--- a/carbon.xml\n+++ b/carbon.xml\n"))), null), null);
                    return parsed;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            FleetRun run = fleet("plan", "--node", "km1", "-f", spec("five-node.yaml").toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            AgentRequest request = asked.get(10, TimeUnit.SECONDS);
            assertThat(request.kind()).isEqualTo(AgentRequest.Kind.PLAN);
            assertThat(request.bundle().node()).isEqualTo("km1");
            assertThat(request.bundle().revision()).isEqualTo(4);   // the agent reported revision 3
            assertThat(request.bundle().operations()).isNotEmpty();
            assertThat(run.out()).contains("== plan for km1 (revision 4)", "--- a/carbon.xml\n+++ b/carbon.xml\n", "would change 1 files");
        }
    }

    @Test
    void planForANodeThatIsNotConnectedExitsFour() throws Exception {
        controller = RunningController.start(tmp);
        controller.enroll("km1");

        FleetRun run = fleet("plan", "--node", "km1", "-f", spec("five-node.yaml").toString());

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.err()).contains("agent km1 is not connected");
    }

    @Test
    void aClusterPlanTheControllerCannotRenderExitsFiveAsHelpSays() throws Exception {
        controller = RunningController.start(tmp);
        controller.enroll("km1");

        FleetRun run = fleet("plan", "-f", spec("five-node.yaml").toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
        assertThat(run.err()).contains("its agent is not connected");
    }

    @Test
    void controllerRunServesUntilStopped() throws Exception {
        Path state = TestStates.fresh(tmp).dir();
        int api = FreePorts.onLoopback();
        int bridge = FreePorts.onLoopback();

        ControllerRun run = controllerRun("--state", state.toString(), "--api-port", String.valueOf(api), "--bridge-port", String.valueOf(bridge));

        assertThat(run.out()).as(run.err())
                .contains("API     https://127.0.0.1:" + api, "bridge  127.0.0.1:" + bridge, "--ca-hash sha256:");
        assertThat(run.err()).doesNotContain("warning");
        assertThat(ControllerClient.admin(state, java.net.URI.create("https://127.0.0.1:" + api)).agents()).isEmpty();
        assertThat(run.stop()).contains("fleet controller: stopped");
    }

    @Test
    void controllerRunWarnsOfAHeartbeatTimeoutNotLongerThanTheAgentsHeartbeatInterval() throws Exception {
        ControllerRun run = controllerRun("--state", TestStates.fresh(tmp).dir().toString(), "--api-port", String.valueOf(FreePorts.onLoopback()),
                "--bridge-port", String.valueOf(FreePorts.onLoopback()), "--heartbeat-timeout", "5s");

        assertThat(run.err()).contains("warning: --heartbeat-timeout 5s is not longer than the agents' heartbeat interval (5s)");
        run.stop();
    }

    /** A {@code fleet controller run} in this JVM, once it says it runs. */
    private record ControllerRun(StringWriter outWriter, StringWriter errWriter, CompletableFuture<Integer> exit) {
        String out() {
            return outWriter.toString();
        }

        String err() {
            return errWriter.toString();
        }

        /** Stops it; its whole output, once it exited 0. */
        String stop() throws Exception {
            ControllerCommand.Run.STOP_FOR_TESTS.get().run();
            assertThat(exit.get(15, TimeUnit.SECONDS)).isZero();
            return out();
        }
    }

    private static ControllerRun controllerRun(String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine fleet = FleetCommand.commandLine();
        fleet.setOut(new PrintWriter(out, true));
        fleet.setErr(new PrintWriter(err, true));
        List<String> args = new java.util.ArrayList<>(List.of("controller", "run"));
        args.addAll(List.of(options));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> fleet.execute(args.toArray(String[]::new)));
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("running;") || exit.isDone());
        return new ControllerRun(out, err, exit);
    }

    @Test
    void controllersListsTheLoneControllerAsItsOwnLeaderWithItsEpoch() throws Exception {
        controller = RunningController.start(tmp);

        FleetRun table = fleet("controllers");
        FleetRun json = fleet("controllers", "--output", "json");

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.outLines().get(0)).contains("NAME", "CLUSTER-ADDRESS", "API", "ROLE", "EPOCH");
        assertThat(table.out()).contains("(lone)", "https://" + controller.state().advertise(), "leader");
        JsonNode view = Json.mapper().readTree(json.out());
        long epoch = view.get("epoch").asLong();
        assertThat(epoch).isPositive();
        assertThat(view.get("members")).hasSize(1);
        assertThat(view.get("members").get(0).get("leader").asBoolean()).isTrue();
        assertThat(view.get("members").get(0).get("epoch").asLong()).isEqualTo(epoch);
    }

    @Test
    void controllerRunNamesTheClusterOptionThatIsMissingOrBad() {
        String state = TestStates.fresh(tmp).dir().toString();
        String[][] cases = {
                {"--cluster-bind", "--cluster", "--peers", "127.0.0.70:7445"},
                {"--peers", "--cluster", "--cluster-bind", "127.0.0.70"},
                {"--cluster-bind", "--cluster", "--cluster-bind", "0.0.0.0", "--peers", "127.0.0.70:7445"},
                {"--cluster-bind", "--cluster", "--cluster-bind", "controller-1", "--peers", "127.0.0.70:7445"},
                {"--peers", "--cluster", "--cluster-bind", "127.0.0.70", "--peers", "127.0.0.71"},
                {"--peers", "--cluster", "--cluster-bind", "127.0.0.70", "--peers", "127.0.0.71:70000"},
                {"--cluster-port", "--cluster", "--cluster-bind", "127.0.0.70", "--peers", "127.0.0.70:7445", "--cluster-port", "65535"},
                {"--api-port", "--cluster", "--cluster-bind", "127.0.0.70", "--peers", "127.0.0.70:7445", "--api-port", "0"},
                {"--peers needs --cluster", "--peers", "127.0.0.70:7445"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length + 1];
            args[0] = "controller";
            args[1] = "run";
            System.arraycopy(c, 1, args, 2, c.length - 1);
            String[] withState = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--state", state))
                    .toArray(String[]::new);

            FleetRun run = FleetRun.of(withState);

            assertThat(run.exitCode()).as(String.join(" ", withState) + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", withState)).contains(c[0]);
        }
    }
}
