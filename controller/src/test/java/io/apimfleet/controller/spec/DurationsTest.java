package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void readsEachUnit() {
        assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).contains(Duration.ofSeconds(10));
        assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    }

    @Test
    void addsUpCombinedUnits() {
        assertThat(Durations.parse("1m30s")).contains(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10 s", "ten seconds", "-5s", "1d", "s", ""})
    void rejectsAnythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @Test
    void formatsDurationsAsTheSpecWritesThem() {
        assertThat(Durations.format(Duration.ofMillis(50))).isEqualTo("50ms");
        assertThat(Durations.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMillis(1250))).isEqualTo("1s250ms");
    }

    @Test
    void formatsZeroAndNegativeDurationsReadably() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofSeconds(-3))).isEqualTo("-3s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"250ms", "10s", "5m", "1m30s", "1h", "2h5m7s9ms"})
    void aFormattedDurationReadsBackTheSame(String text) {
        assertThat(Durations.format(Durations.parse(text).orElseThrow())).isEqualTo(text);
    }
}
