package io.apimfleet.controller.spec;

import java.util.Comparator;

/**
 * One thing wrong with a spec: where, what, and how to fix it. Messages never contain a secret's
 * value.
 */
public record Problem(Location location, String message) {

    /** Reading order: by line, then by column. */
    public static final Comparator<Problem> BY_POSITION =
            Comparator.comparingInt((Problem p) -> p.location().line()).thenComparingInt(p -> p.location().column());

    /** {@code FILE:LINE:COL: message}. */
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
