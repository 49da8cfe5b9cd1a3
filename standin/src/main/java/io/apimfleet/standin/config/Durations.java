package io.apimfleet.standin.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them on a command line: {@code 500ms}, {@code 0.5s}, {@code 3s}, {@code 1m}, or ISO {@code PT3S}. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)");

    private Durations() {
    }

    public static Duration parse(String text, String source) {
        String value = text.trim();
        Matcher m = SIMPLE.matcher(value);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1000;
                default -> amount * 60_000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigException(source + ": '" + text + "' is not a duration (write e.g. 500ms, 0.5s, 3s)");
        }
    }

    /** The form make-home records and the docs show. */
    public static String format(Duration duration) {
        return duration.toMillis() + "ms";
    }
}
