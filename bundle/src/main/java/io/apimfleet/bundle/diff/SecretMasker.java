package io.apimfleet.bundle.diff;

import io.apimfleet.bundle.op.PropertiesEditor;
import io.apimfleet.protocol.SecretRef;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces every secret value in a text by {@code (secret)}, in the forms a file may hold it:
 * as given, XML-escaped, properties-escaped and URL-encoded.
 *
 * <p>Only whole tokens are masked: an occurrence counts when it is not glued to a letter, digit,
 * {@code _}, {@code .} or {@code -} on a side where the secret itself begins or ends with one. That
 * is how recipes place a secret (an element's or attribute's whole value, a property's value, a
 * URL's credentials or parameter: {@code >pw<}, {@code ="pw"}, {@code = pw}, {@code :pw@},
 * {@code =pw&}), while a short secret's text inside other words ({@code x} in {@code
 * api-manager.xml}) is left alone: masking it there would garble the text and show which letters
 * the secret is. A diff line's mark ({@code +}, {@code -}, space) does not glue. Every form is matched in one pass, the longest first, so no part of one leaks and
 * no mask is masked again.
 */
public final class SecretMasker {
    public static final String MASK = "(secret)";
    /** What may continue a token: a secret's text inside a longer run of these is not that secret. */
    private static final String WORD = "[\\p{L}\\p{Nd}_.-]";
    private final Pattern secrets;

    public SecretMasker(Set<String> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s == null || s.isEmpty()) {
                continue;
            }
            all.add(s);
            all.add(s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
            all.add(s.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;"));
            all.add(s.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;"));
            all.add(PropertiesEditor.escapeValue(s));
            all.add(SecretRef.urlEncode(s));
        }
        this.secrets = all.isEmpty() ? null : Pattern.compile(all.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(SecretMasker::wholeToken)
                .collect(Collectors.joining("|")), Pattern.MULTILINE);
    }

    private static String wholeToken(String form) {
        // A diff line's own mark (+, - or space) is not part of a token: a value alone on its line is whole.
        String before = isWord(form.codePointAt(0)) ? "(?:(?<=^[-+ ])|(?<!" + WORD + "))" : "";
        String after = isWord(form.codePointBefore(form.length())) ? "(?!" + WORD + ")" : "";
        return before + Pattern.quote(form) + after;
    }

    private static boolean isWord(int codePoint) {
        return Character.isLetterOrDigit(codePoint) || codePoint == '_' || codePoint == '.' || codePoint == '-';
    }

    public String mask(String text) {
        if (secrets == null) {
            return text;
        }
        return secrets.matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
    }
}
