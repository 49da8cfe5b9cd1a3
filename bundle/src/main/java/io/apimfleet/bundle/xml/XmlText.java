package io.apimfleet.bundle.xml;

/** Small text rules of XML: names, escaping, decoding, indentation and line endings. */
public final class XmlText {
    private XmlText() {
    }

    public static String localName(String qname) {
        int colon = qname.indexOf(':');
        return colon < 0 ? qname : qname.substring(colon + 1);
    }

    public static String escapeText(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    public static String escapeAttribute(String value, char quote) {
        String escaped = value.replace("&", "&amp;").replace("<", "&lt;");
        return quote == '"' ? escaped.replace("\"", "&quot;") : escaped.replace("'", "&apos;");
    }

    /** Decodes element content: CDATA sections verbatim, entities elsewhere; comments dropped. */
    public static String decodeContent(String raw) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("<![CDATA[", i)) {
                int close = raw.indexOf("]]>", i);
                out.append(raw, i + 9, close);
                i = close + 3;
            } else if (raw.startsWith("<!--", i)) {
                i = raw.indexOf("-->", i) + 3;
            } else {
                int next = nextMarkup(raw, i);
                out.append(unescape(raw.substring(i, next)));
                i = next;
            }
        }
        return out.toString();
    }

    private static int nextMarkup(String raw, int from) {
        int cdata = raw.indexOf("<![CDATA[", from);
        int comment = raw.indexOf("<!--", from);
        int next = raw.length();
        if (cdata >= 0) {
            next = Math.min(next, cdata);
        }
        if (comment >= 0) {
            next = Math.min(next, comment);
        }
        return next;
    }

    public static String unescape(String raw) {
        if (raw.indexOf('&') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            int semi = c == '&' ? raw.indexOf(';', i) : -1;
            if (semi < 0) {
                out.append(c);
                i++;
                continue;
            }
            String entity = raw.substring(i + 1, semi);
            switch (entity) {
                case "amp" -> out.append('&');
                case "lt" -> out.append('<');
                case "gt" -> out.append('>');
                case "quot" -> out.append('"');
                case "apos" -> out.append('\'');
                default -> {
                    if (entity.startsWith("#x")) {
                        out.appendCodePoint(Integer.parseInt(entity.substring(2), 16));
                    } else if (entity.startsWith("#")) {
                        out.appendCodePoint(Integer.parseInt(entity.substring(1)));
                    } else {
                        out.append(raw, i, semi + 1);
                    }
                }
            }
            i = semi + 1;
        }
        return out.toString();
    }

    /** The document's line separator: that of its first line, "\n" when it has one line. */
    public static String lineSeparator(String text) {
        int nl = text.indexOf('\n');
        return nl > 0 && text.charAt(nl - 1) == '\r' ? "\r\n" : "\n";
    }

    /**
     * The whitespace before {@code offset} on its line, or null when something other than
     * whitespace stands between the line start and the offset.
     */
    public static String indentationBefore(String text, int offset) {
        int lineStart = offset;
        while (lineStart > 0 && text.charAt(lineStart - 1) != '\n') {
            lineStart--;
        }
        String prefix = text.substring(lineStart, offset);
        return prefix.isBlank() ? prefix : null;
    }
}
