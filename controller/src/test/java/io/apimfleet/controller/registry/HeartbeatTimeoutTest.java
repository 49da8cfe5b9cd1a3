package io.apimfleet.controller.registry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatTimeoutTest {

    @Test
    void aTimeoutThatIsNotPositiveIsRefusedInTheSpecsDurationForm() {
        assertThatThrownBy(() -> new LiveAgents(null, Duration.ofMillis(-1500)))
                .hasMessage("the heartbeat timeout must be positive, not -1s500ms");
    }
}
