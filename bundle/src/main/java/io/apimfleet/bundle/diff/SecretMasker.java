package io.apimfleet.bundle.diff;

import io.apimfleet.bundle.op.PropertiesEditor;
import io.apimfleet.protocol.SecretRef;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every secret value in a text by {@code (secret)}, in the forms a file may hold it:
 * as given, XML-escaped, properties-escaped and URL-encoded. Longer values first, so no part of
 * one leaks.
 */
public final class SecretMasker {
    public static final String MASK = "(secret)";
    private final List<String> forms;

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
        this.forms = all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String mask(String text) {
        String out = text;
        for (String form : forms) {
            out = out.replace(form, MASK);
        }
        return out;
    }
}
