package io.apimfleet.controller.cli;

import io.apimfleet.controller.pki.JoinTokens;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --ttl DURATION} of a join token (agents' and controllers'): 15 minutes by default, at most 24 hours. */
final class TtlOption {
    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "15m",
            description = "how long it is valid: 90s, 15m, 1h, 1h30m (default: ${DEFAULT-VALUE}; at most 24h)")
    String ttl;

    /** The TTL, or a UserError naming {@code command}. */
    Duration life(String command) {
        try {
            return JoinTokens.parseTtl(ttl);
        } catch (IllegalArgumentException e) {
            throw new UserError(command + ": " + e.getMessage());
        }
    }
}
