package io.apimfleet.standin.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product's heap options ({@code JVM_MEM_OPTS}, sized by the recipes for the real API-M):
 * the stand-in does not run with them, but refuses, as the JVM would refuse to start the real
 * product, a maximum heap below 2 MB or an initial heap above the maximum.
 */
public final class JvmOptions {
    public static final String ENV = "JVM_MEM_OPTS";
    /** Below this the JVM says "Too small maximum heap" and does not start. */
    static final long SMALLEST_MAX_HEAP = 2L << 20;
    private static final Pattern SIZE = Pattern.compile("-Xm([sx])(\\d+)([kKmMgG]?)(?=\\s|$)");

    private JvmOptions() {
    }

    /** @throws ConfigException naming the option, as the JVM's own error would */
    public static void check(Map<String, String> env) {
        String options = env.getOrDefault(ENV, "");
        long initial = -1;
        long maximum = -1;
        Matcher m = SIZE.matcher(options);
        while (m.find()) {
            long bytes = Long.parseLong(m.group(2)) * switch (m.group(3).toLowerCase()) {
                case "k" -> 1L << 10;
                case "m" -> 1L << 20;
                case "g" -> 1L << 30;
                default -> 1L;
            };
            if (m.group(1).equals("s")) {
                initial = bytes;
            } else {
                maximum = bytes;
            }
        }
        if (maximum >= 0 && maximum < SMALLEST_MAX_HEAP) {
            throw new ConfigException(ENV + " '" + options + "': Too small maximum heap (the JVM does not start the product below 2 MB)");
        }
        if (maximum >= 0 && initial > maximum) {
            throw new ConfigException(ENV + " '" + options + "': Initial heap size set to a larger value than the maximum heap size");
        }
    }
}
