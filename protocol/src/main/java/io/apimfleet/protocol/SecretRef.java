package io.apimfleet.protocol;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a secret, written {@code ${secret:NAME}} wherever a value is expected. Values
 * carry references until the last moment; the secret itself is looked up only where it is used.
 */
public final class SecretRef {
    /** Secret names: lower-case letters, digits, '-', '_' and '.', starting with a letter or digit. */
    public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{secret:(" + NAME_PATTERN + ")}");
    private static final Pattern ANY_SECRET_PREFIX = Pattern.compile("\\$\\{secret:");

    private SecretRef() {
    }

    public static String of(String name) {
        return "${secret:" + name + "}";
    }

    /** True when the whole value is exactly one reference. */
    public static boolean isReference(String value) {
        return value != null && REFERENCE.matcher(value).matches();
    }

    /** True when the value mentions {@code ${secret:} at all, well-formed or not. */
    public static boolean mentionsSecret(String value) {
        return value != null && ANY_SECRET_PREFIX.matcher(value).find();
    }

    /** The names referenced in a value, in order of first appearance. */
    public static Set<String> names(String value) {
        Set<String> names = new LinkedHashSet<>();
        if (value != null) {
            Matcher m = REFERENCE.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Replaces every reference by what {@code lookup} gives for its name. */
    public static String resolve(String value, Function<String, String> lookup) {
        if (value == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(lookup.apply(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
