package io.apimfleet.protocol.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.protocol.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkAdviceTest {
    @Test
    void theSpreadGivesEveryConnectedAgentATurnAtTheAssumedHandshakeRate() {
        assertThat(LinkAdvice.forFleetOf(10_000).reconnectSpread())
                .isEqualTo(Duration.ofSeconds(10_000 / LinkAdvice.RECONNECTS_PER_SECOND));
    }

    @Test
    void aSmallFleetIsAdvisedOneSecondAndAHugeOneTenMinutesAtMost() {
        assertThat(LinkAdvice.forFleetOf(3).reconnectSpread()).isEqualTo(Duration.ofSeconds(1));
        assertThat(LinkAdvice.forFleetOf(5_000_000).reconnectSpread()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void itTravelsAsOneNumberOfMilliseconds() throws Exception {
        String json = Json.mapper().writeValueAsString(new LinkAdvice(20_000));
        assertThat(json).isEqualTo("{\"reconnectSpreadMillis\":20000}");
        assertThat(Json.mapper().readValue(json, LinkAdvice.class)).isEqualTo(new LinkAdvice(20_000));
    }

    @Test
    void theControllersBridgeEndpointsTravelAsAListWhenGiven() throws Exception {
        LinkAdvice advice = LinkAdvice.forFleetOf(3).withBridgeEndpoints(List.of("10.0.0.1:7444", "10.0.0.2:7444"));
        String json = Json.mapper().writeValueAsString(advice);
        assertThat(json).isEqualTo("{\"reconnectSpreadMillis\":1000,\"bridgeEndpoints\":[\"10.0.0.1:7444\",\"10.0.0.2:7444\"]}");
        assertThat(Json.mapper().readValue(json, LinkAdvice.class).bridgeEndpoints()).containsExactly("10.0.0.1:7444", "10.0.0.2:7444");
    }

    @Test
    void anAdviceWithoutEndpointsReadsAsNoChange() throws Exception {
        // what a controller that predates the field sends
        assertThat(Json.mapper().readValue("{\"reconnectSpreadMillis\":1000}", LinkAdvice.class).bridgeEndpoints()).isNull();
        assertThat(LinkAdvice.forFleetOf(3).withBridgeEndpoints(List.of()).bridgeEndpoints()).isNull();
    }
}
