package io.apimfleet.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a secret, written {@code ${secret:NAME}} wherever a value is expected. Values
 * carry references until the last moment; the secret itself is looked up only where it is used.
 * {@code ${secret:NAME|url}} stands for the secret URL-encoded (inside a URL's user info).
 * {@code ${host-secret:NAME}} names a secret that exists only on the host applying the bundle
 * (a store password generated there, the host's own TLS private key): it never travels.
 */
public final class SecretRef {
    /** Secret names: lower-case letters, digits, '-', '_' and '.', starting with a letter or digit. */
    public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*";
    public static final String URL_FILTER = "url";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(secret|host-secret):(" + NAME_PATTERN + ")(?:\\|(" + URL_FILTER + "))?}");

    /** Where a secret comes from: the controller's secret store, or the applying host itself. */
    public enum Kind {
        SECRET("secret"), HOST_SECRET("host-secret");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        static Kind of(String prefix) {
            return prefix.equals(HOST_SECRET.prefix) ? HOST_SECRET : SECRET;
        }
    }
    private static final Pattern ANY_SECRET_PREFIX = Pattern.compile("\\$\\{secret:");

    private SecretRef() {
    }

    public static String of(String name) {
        return "${secret:" + name + "}";
    }

    public static String host(String name) {
        return "${host-secret:" + name + "}";
    }

    /** True when the whole value is exactly one {@code ${secret:NAME}} reference. */
    public static boolean isReference(String value) {
        if (value == null) {
            return false;
        }
        Matcher m = REFERENCE.matcher(value);
        return m.matches() && Kind.of(m.group(1)) == Kind.SECRET;
    }

    /** True when the value mentions {@code ${secret:} at all, well-formed or not. */
    public static boolean mentionsSecret(String value) {
        return value != null && ANY_SECRET_PREFIX.matcher(value).find();
    }

    /** The names of the {@code ${secret:}} references in a value, in order of first appearance. */
    public static Set<String> names(String value) {
        Set<String> names = new LinkedHashSet<>();
        if (value != null) {
            Matcher m = REFERENCE.matcher(value);
            while (m.find()) {
                if (Kind.of(m.group(1)) == Kind.SECRET) {
                    names.add(m.group(2));
                }
            }
        }
        return names;
    }

    /** Replaces every {@code ${secret:}} reference by what {@code lookup} gives for its name. */
    public static String resolve(String value, Function<String, String> lookup) {
        return resolve(value, (kind, name) -> kind == Kind.SECRET ? lookup.apply(name) : null);
    }

    /**
     * Replaces every reference by what {@code lookup} gives for its kind and name (URL-encoded
     * for {@code |url}); a null answer leaves that reference as it is.
     */
    public static String resolve(String value, BiFunction<Kind, String, String> lookup) {
        if (value == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String secret = lookup.apply(Kind.of(m.group(1)), m.group(2));
            String replacement = secret == null ? m.group() : m.group(3) == null ? secret : urlEncode(secret);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The same reference, asking for the secret URL-encoded; a plain value is URL-encoded now. */
    public static String urlEncoded(String valueOrReference) {
        if (isReference(valueOrReference)) {
            return valueOrReference.substring(0, valueOrReference.length() - 1).replaceAll("\\|" + URL_FILTER + "$", "")
                    + "|" + URL_FILTER + "}";
        }
        return urlEncode(valueOrReference);
    }

    /** Percent-encoding of everything but unreserved characters (RFC 3986), spaces as %20. */
    public static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }
}
