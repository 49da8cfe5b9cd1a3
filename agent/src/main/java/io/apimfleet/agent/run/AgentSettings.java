package io.apimfleet.agent.run;

import io.apimfleet.agent.link.LinkSettings;
import io.apimfleet.bundle.stage.Checkpoints;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What the daemon runs with; {@link #defaults()} in production, shorter timings and a controlled
 * clock in tests.
 *
 * @param renewalCheck how often the certificate's age is checked (and a failed renewal retried)
 * @param clock        wall-clock time: heartbeat stamps, certificate renewal
 * @param random       the backoff's jitter
 * @param log          where the one-line connection and identity changes go (stdout)
 * @param checkpoints  told at each durable step of a bundle swap (tests hold an apply there)
 * @param environment  where {@code FLEET_SECRET_*} values come from
 */
public record AgentSettings(LinkSettings link, Duration renewalCheck, Clock clock, Random random, Consumer<String> log,
                            Checkpoints checkpoints, Map<String, String> environment) {
    public static AgentSettings defaults() {
        return new AgentSettings(LinkSettings.defaults(), Duration.ofHours(1), Clock.systemUTC(), new SecureRandom(),
                AgentSettings::stdout, Checkpoints.NONE, System.getenv());
    }

    private static void stdout(String line) {
        System.out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        System.out.flush();
    }
}
