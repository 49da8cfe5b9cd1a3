package io.apimfleet.bundle.op;

import java.util.ArrayList;
import java.util.List;

/**
 * Sets a key in {@code .properties} text the way {@link java.util.Properties} reads it, editing
 * only the value of that key's line(s): comments, order, separators and line endings stay.
 */
public final class PropertiesEditor {
    private PropertiesEditor() {
    }

    private record LogicalLine(int start, int end, int valueStart, String key, String value) {
    }

    public static String set(String text, String key, String value) {
        String nl = io.apimfleet.bundle.xml.XmlText.lineSeparator(text);
        List<LogicalLine> matches = logicalLines(text).stream().filter(l -> l.key().equals(key)).toList();
        if (matches.isEmpty()) {
            String prefix = text.isEmpty() || text.endsWith("\n") ? text : text + nl;
            return prefix + escape(key, true) + "=" + escape(value, false) + nl;
        }
        if (matches.stream().allMatch(l -> l.value().equals(value))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text);
        for (int i = matches.size() - 1; i >= 0; i--) {
            LogicalLine line = matches.get(i);
            if (!line.value().equals(value)) {
                out.replace(line.valueStart(), line.end(), escape(value, false));
            }
        }
        return out.toString();
    }

    private static List<LogicalLine> logicalLines(String text) {
        List<LogicalLine> lines = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int start = pos;
            int end = start;
            // A logical line runs on while a physical line ends in an odd number of backslashes.
            while (true) {
                int eol = lineEnd(text, end);
                int backslashes = 0;
                for (int i = eol - 1; i >= end && text.charAt(i) == '\\'; i--) {
                    backslashes++;
                }
                end = eol;
                if (backslashes % 2 == 0 || eol >= text.length()) {
                    break;
                }
                end = skipNewline(text, eol);
            }
            pos = skipNewline(text, end);
            String raw = text.substring(start, end);
            int first = 0;
            while (first < raw.length() && isBlank(raw.charAt(first))) {
                first++;
            }
            if (first == raw.length() || raw.charAt(first) == '#' || raw.charAt(first) == '!') {
                continue;
            }
            int keyEnd = first;
            while (keyEnd < raw.length() && "=: \t\f".indexOf(raw.charAt(keyEnd)) < 0) {
                keyEnd += raw.charAt(keyEnd) == '\\' ? 2 : 1;
            }
            keyEnd = Math.min(keyEnd, raw.length());
            int valueStart = keyEnd;
            while (valueStart < raw.length() && isBlank(raw.charAt(valueStart))) {
                valueStart++;
            }
            if (valueStart < raw.length() && (raw.charAt(valueStart) == '=' || raw.charAt(valueStart) == ':')) {
                valueStart++;
                while (valueStart < raw.length() && isBlank(raw.charAt(valueStart))) {
                    valueStart++;
                }
            }
            lines.add(new LogicalLine(start, end, start + valueStart,
                    unescape(raw.substring(first, keyEnd)), unescape(raw.substring(valueStart))));
        }
        return lines;
    }

    private static int lineEnd(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
            i++;
        }
        return i;
    }

    private static int skipNewline(String text, int eol) {
        if (eol < text.length() && text.charAt(eol) == '\r') {
            eol++;
        }
        if (eol < text.length() && text.charAt(eol) == '\n') {
            eol++;
        }
        return eol;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f';
    }

    private static String unescape(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\' || i + 1 >= raw.length()) {
                out.append(c);
                continue;
            }
            char n = raw.charAt(++i);
            switch (n) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case '\r', '\n' -> {
                    // A continuation: skip the line break and the next line's leading blanks.
                    if (n == '\r' && i + 1 < raw.length() && raw.charAt(i + 1) == '\n') {
                        i++;
                    }
                    while (i + 1 < raw.length() && isBlank(raw.charAt(i + 1))) {
                        i++;
                    }
                }
                default -> out.append(n);
            }
        }
        return out.toString();
    }

    /** A value as this editor writes it into a file (what a reader of the file sees of a secret). */
    public static String escapeValue(String value) {
        return escape(value, false);
    }

    private static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                case '=', ':', '#', '!' -> out.append(key ? "\\" + c : String.valueOf(c));
                default -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.toString();
    }
}
