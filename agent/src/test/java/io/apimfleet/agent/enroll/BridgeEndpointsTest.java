package io.apimfleet.agent.enroll;

import io.apimfleet.protocol.link.LinkAdvice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BridgeEndpointsTest {
    private static final Endpoint A = new Endpoint("127.0.0.70", 7444);
    private static final Endpoint B = new Endpoint("127.0.0.71", 7444);
    private static final Endpoint C = new Endpoint("127.0.0.72", 7444);

    @Test
    void theAdvisedEndpointsComeFirstAndTheKnownOnesTheyLeftOutFollow() {
        assertThat(BridgeEndpoints.merged(List.of(C, A), List.of(A, B, C))).containsExactly(C, A, B);
    }

    @Test
    void aMergedListKeepsAtMostTheLimitPreferringTheAdvisedEndpoints() {
        List<Endpoint> known = IntStream.range(0, LinkAdvice.MOST_ENDPOINTS).mapToObj(i -> new Endpoint("127.0.5." + i, 7444)).toList();

        List<Endpoint> merged = BridgeEndpoints.merged(List.of(A), known);

        assertThat(merged).hasSize(LinkAdvice.MOST_ENDPOINTS).startsWith(A).doesNotContain(known.get(known.size() - 1));
    }
}
