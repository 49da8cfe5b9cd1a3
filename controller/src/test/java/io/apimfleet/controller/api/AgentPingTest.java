package io.apimfleet.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.BridgeFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/agents/ping}: a FACTS request to every connected agent, answered when all have answered or failed. */
class AgentPingTest {
    @TempDir
    Path tmp;

    @Test
    void countsAnswersRefusalsAndFailuresOnceEveryRequestHasEnded() {
        Map<String, Promise<AgentReply>> pending = new LinkedHashMap<>();
        List<AgentRequest> sent = new ArrayList<>();
        AgentPing ping = new AgentPing(() -> List.of("a", "b", "c"), node -> {
            sent.add(AgentPing.request());
            Promise<AgentReply> reply = Promise.promise();
            pending.put(node, reply);
            return reply.future();
        });

        Future<AgentPing.Result> result = ping.ping(List.of());
        assertThat(pending).containsOnlyKeys("a", "b", "c");
        assertThat(sent).allSatisfy(r -> assertThat(r.kind()).isEqualTo(AgentRequest.Kind.FACTS));
        pending.get("a").complete(new AgentReply(true, null, null, null, null));
        pending.get("b").complete(AgentReply.refused("busy"));
        assertThat(result.isComplete()).isFalse();
        pending.get("c").fail("agent c did not answer the facts request within 30 s");

        assertThat(result.result()).satisfies(r -> {
            assertThat(r.asked()).isEqualTo(3);
            assertThat(r.answered()).isEqualTo(2);
            assertThat(r.refused()).isEqualTo(1);
            assertThat(r.failed()).isEqualTo(1);
            assertThat(r.failures()).containsExactly("c: agent c did not answer the facts request within 30 s");
            assertThat(r.p50Millis()).isLessThanOrEqualTo(r.p99Millis());
            assertThat(r.p99Millis()).isLessThanOrEqualTo(r.maxMillis());
        });
    }

    @Test
    void namedNodesAreAskedInsteadOfEveryConnectedOne() {
        List<String> asked = new ArrayList<>();
        AgentPing ping = new AgentPing(() -> List.of("a", "b"), node -> {
            asked.add(node);
            return Future.succeededFuture(new AgentReply(true, null, null, null, null));
        });

        assertThat(ping.ping(List.of("b")).result().asked()).isEqualTo(1);
        assertThat(asked).containsExactly("b");
    }

    @Test
    void noAgentConnectedIsAnEmptyAnswer() {
        AgentPing ping = new AgentPing(List::of, node -> Future.failedFuture("not asked"));

        assertThat(ping.ping(List.of()).result()).isEqualTo(new AgentPing.Result(0, 0, 0, 0, 0, 0, 0, 0, List.of()));
    }

    @Test
    void percentilesAreNearestRank() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(AgentPing.percentile(sorted, 50)).isEqualTo(50);
        assertThat(AgentPing.percentile(sorted, 99)).isEqualTo(99);
        assertThat(AgentPing.percentile(new double[] {7}, 99)).isEqualTo(7);
        assertThat(AgentPing.percentile(new double[0], 50)).isZero();
    }

    @Test
    void theRouteAsksEveryConnectedAgentOverTheBridgeAndRefusesABadNodeName() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (RunningController controller = RunningController.start(tmp);
             TestAgent km1 = connected(vertx, controller, "km1");
             TestAgent gw1 = connected(vertx, controller, "gw1")) {
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> controller.admin().send(
                    HttpRequest.newBuilder(controller.admin().uri("/v1/agents/ping")).POST(HttpRequest.BodyPublishers.noBody()).build()));
            for (TestAgent agent : List.of(km1, gw1)) {
                BridgeFrame request = agent.next(f -> BridgeFrame.MESSAGE.equals(f.type()));
                assertThat(Json.mapper().treeToValue(request.body(), AgentRequest.class).kind()).isEqualTo(AgentRequest.Kind.FACTS);
                agent.sendTo(request.replyAddress(), new AgentReply(true, null, null, null, null), null);
            }

            HttpResponse<String> response = answer.get(TestAgent.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode result = Json.mapper().readTree(response.body());
            assertThat(result.path("asked").asInt()).isEqualTo(2);
            assertThat(result.path("answered").asInt()).isEqualTo(2);
            assertThat(result.path("failed").asInt()).isZero();

            HttpResponse<String> bad = controller.admin().send(HttpRequest.newBuilder(controller.admin().uri("/v1/agents/ping?node=Not_A_Node"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(bad.statusCode()).isEqualTo(400);
        } finally {
            vertx.close();
        }
    }

    private static TestAgent connected(Vertx vertx, RunningController controller, String node) throws Exception {
        TestAgent agent = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll(node), controller.caPem());
        agent.register(Addresses.commands(node));
        agent.heartbeat(node + ".example", null);
        await().atMost(Duration.ofSeconds(5)).until(() -> controller.admin().agents().stream().anyMatch(v -> v.node().equals(node) && v.connected()));
        return agent;
    }
}
