package io.apimfleet.controller.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.controller.testing.TestAgent;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.FileChange;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.AgentView;
import io.apimfleet.protocol.link.BridgeFrame;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/nodes/{node}/plan}: forwarded to the agent, its reply returned; 409 and 504 when it cannot answer. */
class AgentRequestTest {
    @TempDir
    Path tmp;

    RunningController controller;
    Vertx vertx = Vertx.vertx();

    @AfterEach
    void tearDown() {
        vertx.close();
        controller.close();
    }

    private TestAgent connected(String node) throws Exception {
        TestAgent agent = TestAgent.connect(vertx, controller.bridgePort(), controller.enroll(node), controller.caPem());
        agent.register(Addresses.commands(node));
        agent.heartbeat(node + ".example", null);
        await().atMost(Duration.ofSeconds(5)).until(() -> controller.admin().agents().stream().anyMatch(v -> v.node().equals(node) && v.connected()));
        return agent;
    }

    @Test
    void aPlanIsForwardedToTheAgentAndItsReplyReturned() throws Exception {
        controller = RunningController.start(tmp);
        try (TestAgent km1 = connected("km1")) {
            Bundle bundle = new Bundle("km1", 4, List.of());
            CompletableFuture<AgentReply> plan = CompletableFuture.supplyAsync(() -> controller.admin().nodeRequest("km1", "plan", bundle, false));

            BridgeFrame request = km1.next(f -> BridgeFrame.MESSAGE.equals(f.type()));
            AgentRequest asked = Json.mapper().treeToValue(request.body(), AgentRequest.class);
            assertThat(asked.kind()).isEqualTo(AgentRequest.Kind.PLAN);
            assertThat(asked.bundle()).isEqualTo(bundle);
            assertThat(request.headers()).containsEntry(Addresses.KIND, "PLAN");
            FileChange change = new FileChange("repository/conf/carbon.xml", FileChange.Kind.MODIFIED, "--- a\n+++ b\n");
            km1.sendTo(request.replyAddress(), new AgentReply(true, null, null,
                    new ApplyResult("km1", 4, true, List.of(), List.of(change)), null), null);

            AgentReply reply = plan.get(TestAgent.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply.ok()).isTrue();
            assertThat(reply.result().diff()).isEqualTo("--- a\n+++ b\n");
        }
    }

    @Test
    void everyRequestCarriesTheControllersLeadershipEpochAndARestartedControllerANewerOne() throws Exception {
        controller = RunningController.start(tmp);
        long before = epochOfAPlanRequest();

        controller.restart();

        assertThat(epochOfAPlanRequest()).isGreaterThan(before);
        assertThat(controller.journal("controller.started")).last().satisfies(e -> assertThat(e.get("fields").toString()).contains("epoch="));
    }

    private long epochOfAPlanRequest() throws Exception {
        try (TestAgent km1 = connected("km1")) {
            CompletableFuture<AgentReply> plan = CompletableFuture.supplyAsync(() -> controller.admin().nodeRequest("km1", "plan",
                    new Bundle("km1", 4, List.of()), false));
            BridgeFrame request = km1.next(f -> BridgeFrame.MESSAGE.equals(f.type()));
            km1.sendTo(request.replyAddress(), new AgentReply(true, null, null, new ApplyResult("km1", 4, true, List.of(), List.of()), null), null);
            plan.get(TestAgent.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            return Long.parseLong(request.headers().get(Addresses.EPOCH));
        }
    }

    @Test
    void anAgentThatIsNotConnectedIs409() {
        controller = RunningController.start(tmp);
        controller.enroll("km1");

        assertThatThrownBy(() -> controller.admin().nodeRequest("km1", "plan", new Bundle("km1", 1, List.of()), false))
                .isInstanceOfSatisfying(ControllerApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.reason()).isEqualTo("not-connected");
                    assertThat(e.getMessage()).contains("km1");
                });
    }

    @Test
    void anAgentThatDoesNotAnswerInTimeIs504WithAClearMessage() throws Exception {
        controller = RunningController.start(tmp, Duration.ofSeconds(15), Duration.ofMillis(500));
        try (TestAgent km1 = connected("km1")) {
            assertThatThrownBy(() -> controller.admin().nodeRequest("km1", "apply", new Bundle("km1", 1, List.of()), false))
                    .isInstanceOfSatisfying(ControllerApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(504);
                        assertThat(e.reason()).isEqualTo("timeout");
                        assertThat(e.getMessage()).isEqualTo("agent km1 did not answer the apply request within 500 ms");
                    });
        }
    }
}
