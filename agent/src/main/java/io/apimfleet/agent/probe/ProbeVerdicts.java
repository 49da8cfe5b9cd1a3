package io.apimfleet.agent.probe;

import io.apimfleet.protocol.bundle.Probe;

import java.time.Duration;
import java.time.Instant;

/**
 * One probe's state from its attempts: {@code passing} after {@code successThreshold} successes
 * in a row, {@code failing} after {@code failureThreshold} failures in a row, and {@code starting}
 * until then, or while failures happen within the start-up allowance. Pure: time comes in.
 */
public final class ProbeVerdicts {
    public enum State { STARTING, PASSING, FAILING;

        public String wire() {
            return name().toLowerCase();
        }
    }

    private final Probe probe;
    private final Instant startedAt;
    private State state = State.STARTING;
    private int successes;
    private int failures;

    public ProbeVerdicts(Probe probe, Instant productStartedAt) {
        this.probe = probe;
        this.startedAt = productStartedAt;
    }

    public State state() {
        return state;
    }

    /** Records an attempt; true when the state changed. */
    public boolean record(boolean success, Instant at) {
        State before = state;
        if (success) {
            successes++;
            failures = 0;
            if (successes >= Math.max(1, probe.successThreshold())) {
                state = State.PASSING;
            }
        } else {
            failures++;
            successes = 0;
            boolean withinGrace = Duration.between(startedAt, at).compareTo(grace()) < 0;
            if (failures >= Math.max(1, probe.failureThreshold())) {
                state = withinGrace && before != State.PASSING ? State.STARTING : State.FAILING;
            }
        }
        return state != before;
    }

    private Duration grace() {
        return probe.startupGrace() == null ? Duration.ZERO : probe.startupGrace();
    }

    /** The node's health from all its probes: healthy, unhealthy or starting. */
    public static String health(Iterable<State> states) {
        boolean any = false;
        boolean starting = false;
        for (State s : states) {
            any = true;
            if (s == State.FAILING) {
                return "unhealthy";
            }
            starting |= s == State.STARTING;
        }
        return !any ? "unknown" : starting ? "starting" : "healthy";
    }
}
