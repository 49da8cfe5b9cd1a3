package io.apimfleet.agent.link;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    @Test
    void theCapGrowsByHalfFromOneSecondToSixtyAndStaysThere() {
        Backoff backoff = Backoff.standard(new Random(42));
        List<Long> caps = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            caps.add(backoff.cap().toMillis());
            backoff.next();
        }
        assertThat(caps).containsExactly(1_000L, 1_500L, 2_250L, 3_375L, 5_062L, 7_593L, 11_389L, 17_083L, 25_624L, 38_436L, 57_654L, 60_000L);
    }

    @Test
    void everyDelayIsFullJitterBetweenZeroAndTheCap() {
        Backoff backoff = Backoff.standard(new Random(7));
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Duration cap = backoff.cap();
            Duration delay = backoff.next();
            assertThat(delay).isBetween(Duration.ZERO, cap);
            delays.add(delay);
        }
        List<Duration> atMax = delays.subList(10, delays.size());
        assertThat(new HashSet<>(atMax)).as("jittered, not a fixed delay").hasSizeGreaterThan(150);
        // spread over the whole window: both halves of [0, 60 s] are used
        assertThat(atMax).anyMatch(d -> d.toMillis() < 30_000).anyMatch(d -> d.toMillis() > 30_000);
        double mean = atMax.stream().mapToLong(Duration::toMillis).average().orElseThrow();
        assertThat(mean).isBetween(20_000.0, 40_000.0);
    }

    @Test
    void theSameSeedGivesTheSameDelaysAndDifferentSeedsDiffer() {
        assertThat(delays(1, 8)).isEqualTo(delays(1, 8)).isNotEqualTo(delays(2, 8));
    }

    @Test
    void resetReturnsToTheBaseCap() {
        Backoff backoff = Backoff.standard(new Random(3));
        for (int i = 0; i < 5; i++) {
            backoff.next();
        }
        assertThat(backoff.cap()).isEqualTo(Duration.ofMillis(7_593));
        backoff.reset();
        assertThat(backoff.cap()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anAdvisedSpreadIsWhereTheCapsStartEvenAfterAReset() {
        Backoff backoff = Backoff.standard(new Random(5));
        backoff.spreadOver(Duration.ofSeconds(20));
        assertThat(backoff.cap()).isEqualTo(Duration.ofSeconds(20));
        backoff.next();
        assertThat(backoff.cap()).as("growth from the spread").isEqualTo(Duration.ofSeconds(30));
        backoff.reset();
        assertThat(backoff.cap()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void afterAnAdvisedSpreadTheCapsGrowToTwiceIt() {
        Backoff backoff = Backoff.standard(new Random(5));
        backoff.spreadOver(Duration.ofSeconds(100));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        assertThat(backoff.cap()).isEqualTo(Duration.ofSeconds(200));
    }

    @Test
    void aSpreadBelowHalfTheMaximumStillGrowsToTheMaximum() {
        Backoff backoff = Backoff.standard(new Random(5));
        backoff.spreadOver(Duration.ofSeconds(10));
        for (int i = 0; i < 20; i++) {
            backoff.next();
        }
        assertThat(backoff.cap()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void anAdvisedSpreadMayExceedTheLargestCapButNotTenMinutesNorFallBelowTheBase() {
        Backoff backoff = Backoff.standard(new Random(5));
        backoff.spreadOver(Duration.ofSeconds(100));
        assertThat(backoff.cap()).isEqualTo(Duration.ofSeconds(100));
        assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofSeconds(100));
        backoff.spreadOver(Duration.ofHours(1));
        assertThat(backoff.cap()).isEqualTo(io.apimfleet.protocol.link.LinkAdvice.LONGEST_SPREAD);
        backoff.spreadOver(Duration.ofMillis(10));
        backoff.reset();
        assertThat(backoff.cap()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aBaseAboveTheMaximumIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> delays(long seed, int n) {
        Backoff backoff = Backoff.standard(new Random(seed));
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(backoff.next().toMillis());
        }
        return out;
    }
}
