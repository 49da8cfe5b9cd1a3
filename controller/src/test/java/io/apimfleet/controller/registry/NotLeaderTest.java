package io.apimfleet.controller.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.metrics.FleetMetrics;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A clustered controller that does not lead (its epoch is 0) sends nothing to agents. */
class NotLeaderTest {
    final Vertx vertx = Vertx.vertx();
    final FleetMetrics metrics = new FleetMetrics();

    @AfterEach
    void close() {
        metrics.close();
        vertx.close();
    }

    @Test
    void aControllerWithoutALeadershipEpochRefusesToSendAndNothingReachesTheAgent() throws Exception {
        Queue<Object> received = new ConcurrentLinkedQueue<>();
        vertx.eventBus().consumer(Addresses.commands("km1"), m -> received.add(m.body())).completion()
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        // no LiveAgents: the check comes before anything about the agent is looked at
        AgentRequests requests = new AgentRequests(vertx.eventBus(), null, metrics, Duration.ofSeconds(5), () -> 0);

        Future<AgentReply> reply = requests.request("km1", AgentRequest.of(AgentRequest.Kind.RESTART));
        Throwable failure = reply.toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(5, TimeUnit.SECONDS);
        Throwable cause = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;

        assertThat(cause).isInstanceOfSatisfying(AgentRequestFailed.class, f -> {
            assertThat(f.reason()).isEqualTo(AgentRequestFailed.Reason.NOT_LEADER);
            assertThat(f.reason().code()).isEqualTo("not-leader");
            assertThat(f.getMessage()).contains("does not lead");
        });
        assertThat(received).isEmpty();
    }
}
