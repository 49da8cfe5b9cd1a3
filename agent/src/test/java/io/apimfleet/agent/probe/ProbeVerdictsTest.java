package io.apimfleet.agent.probe;

import io.apimfleet.protocol.bundle.Probe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.apimfleet.agent.probe.ProbeVerdicts.State.FAILING;
import static io.apimfleet.agent.probe.ProbeVerdicts.State.PASSING;
import static io.apimfleet.agent.probe.ProbeVerdicts.State.STARTING;
import static org.assertj.core.api.Assertions.assertThat;

class ProbeVerdictsTest {
    private static final Instant START = Instant.parse("2026-11-30T00:00:00Z");
    private static final Probe PROBE = new Probe("console", Probe.Kind.HTTPS, "km1", 9443, "/carbon/admin/login.jsp",
            Duration.ofSeconds(10), Duration.ofSeconds(5), 2, 3, Duration.ofMinutes(5));

    @Test
    void aProbeStartsAsStartingAndPassesAfterTheSuccessThreshold() {
        ProbeVerdicts verdicts = new ProbeVerdicts(PROBE, START);
        assertThat(verdicts.state()).isEqualTo(STARTING);
        assertThat(verdicts.record(true, START.plusSeconds(10))).isFalse();
        assertThat(verdicts.record(true, START.plusSeconds(20))).isTrue();
        assertThat(verdicts.state()).isEqualTo(PASSING);
    }

    @Test
    void failuresWithinTheStartUpAllowanceKeepItStarting() {
        ProbeVerdicts verdicts = new ProbeVerdicts(PROBE, START);
        for (int i = 1; i <= 10; i++) {
            verdicts.record(false, START.plusSeconds(10L * i));
        }
        assertThat(verdicts.state()).isEqualTo(STARTING);
    }

    @Test
    void failuresAfterTheAllowanceMakeItFailing() {
        ProbeVerdicts verdicts = new ProbeVerdicts(PROBE, START);
        verdicts.record(false, START.plus(Duration.ofMinutes(6)));
        verdicts.record(false, START.plus(Duration.ofMinutes(6)).plusSeconds(10));
        assertThat(verdicts.record(false, START.plus(Duration.ofMinutes(6)).plusSeconds(20))).isTrue();
        assertThat(verdicts.state()).isEqualTo(FAILING);
    }

    @Test
    void aPassingProbeThatFailsEvenDuringTheAllowanceIsFailing() {
        ProbeVerdicts verdicts = new ProbeVerdicts(PROBE, START);
        verdicts.record(true, START.plusSeconds(1));
        verdicts.record(true, START.plusSeconds(2));
        verdicts.record(false, START.plusSeconds(3));
        verdicts.record(false, START.plusSeconds(4));
        verdicts.record(false, START.plusSeconds(5));
        assertThat(verdicts.state()).isEqualTo(FAILING);
    }

    @Test
    void healthIsUnhealthyWhenAnyFailsStartingWhileAnyStartsHealthyWhenAllPass() {
        assertThat(ProbeVerdicts.health(List.of(PASSING, FAILING, STARTING))).isEqualTo("unhealthy");
        assertThat(ProbeVerdicts.health(List.of(PASSING, STARTING))).isEqualTo("starting");
        assertThat(ProbeVerdicts.health(List.of(PASSING, PASSING))).isEqualTo("healthy");
        assertThat(ProbeVerdicts.health(List.of())).isEqualTo("unknown");
    }
}
