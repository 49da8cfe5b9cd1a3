package io.apimfleet.controller.spec;

import java.util.regex.Pattern;

/** Shapes of the values a spec holds: names, addresses, sizes. Syntax only, never a DNS lookup. */
final class Formats {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9]\\d*[kKmMgG]");

    private Formats() {
    }

    /** A lower-case DNS label, e.g. {@code km1}: what node and cluster names must be. */
    static boolean isDnsLabel(String value) {
        return value != null && DNS_LABEL.matcher(value).matches();
    }

    /** A host name such as {@code km1.apim.example}; an all-digit last label is a mistyped IPv4 address. */
    static boolean isDnsName(String value) {
        if (value == null || value.isEmpty() || value.length() > 253) {
            return false;
        }
        String[] labels = value.split("\\.", -1);
        for (String label : labels) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    static boolean isIpLiteral(String value) {
        return isIpv4(value) || isIpv6(value);
    }

    static boolean isHostName(String value) {
        return isDnsName(value) || isIpLiteral(value);
    }

    static boolean isIpv4(String value) {
        return value != null && IPV4.matcher(value).matches();
    }

    /** IPv6 in its text forms ({@code ::1}, {@code fd00::4:21}, {@code ::ffff:10.0.0.1}), without zone ids. */
    static boolean isIpv6(String value) {
        if (value == null || !value.contains(":") || !IPV6_CHARS.matcher(value).matches()) {
            return false;
        }
        int compressed = value.indexOf("::");
        if (compressed != value.lastIndexOf("::") || value.contains(":::")) {
            return false;
        }
        String[] groups = value.split(":", -1);
        int words = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (group.isEmpty()) {
                continue; // part of "::" (or a leading/trailing one), checked above
            }
            if (i == groups.length - 1 && group.contains(".")) {
                if (!isIpv4(group)) {
                    return false;
                }
                words += 2;
            } else if (HEX_GROUP.matcher(group).matches()) {
                words++;
            } else {
                return false;
            }
        }
        boolean strayColon = compressed < 0 && (value.startsWith(":") || value.endsWith(":"));
        return !strayColon && (compressed >= 0 ? words < 8 : words == 8);
    }

    /** A JVM heap size such as {@code 512m} or {@code 2g}. */
    static boolean isHeapSize(String value) {
        return value != null && HEAP_SIZE.matcher(value).matches();
    }

    static boolean isAbsolutePath(String value) {
        return value != null && value.startsWith("/");
    }
}
