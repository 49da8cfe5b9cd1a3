package io.apimfleet.bundle.xml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Scans XML text into elements with exact offsets. It trusts well-formedness checked elsewhere
 * ({@link XmlDocument}), but never loops or overruns on bad input: it throws instead.
 */
final class XmlScanner {
    private final String text;
    private final int base;
    private final List<XmlElement> roots = new ArrayList<>();
    private final List<XmlComment> topComments = new ArrayList<>();
    private final Deque<XmlElement> open = new ArrayDeque<>();
    private int pos;

    private XmlScanner(String text, int base) {
        this.text = text;
        this.base = base;
    }

    /** The top-level elements and comments of {@code text}. */
    static XmlScanner scan(String text) throws XmlSyntaxException {
        XmlScanner scanner = new XmlScanner(text, 0);
        scanner.run();
        return scanner;
    }

    List<XmlElement> roots() {
        return roots;
    }

    List<XmlComment> topComments() {
        return topComments;
    }

    private void run() throws XmlSyntaxException {
        try {
            while (pos < text.length()) {
                if (text.charAt(pos) != '<') {
                    int next = text.indexOf('<', pos);
                    pos = next < 0 ? text.length() : next;
                } else if (text.startsWith("<!--", pos)) {
                    comment();
                } else if (text.startsWith("<![CDATA[", pos)) {
                    pos = require(text.indexOf("]]>", pos), "unterminated CDATA section") + 3;
                } else if (text.startsWith("<?", pos)) {
                    pos = require(text.indexOf("?>", pos), "unterminated processing instruction") + 2;
                } else if (text.startsWith("<!", pos)) {
                    doctype();
                } else if (text.startsWith("</", pos)) {
                    endTag();
                } else {
                    startTag();
                }
            }
        } catch (StringIndexOutOfBoundsException e) {
            throw new XmlSyntaxException("unexpected end of text at offset " + pos);
        }
        if (!open.isEmpty()) {
            throw new XmlSyntaxException("element <" + open.peek().name() + "> is never closed");
        }
    }

    private void comment() throws XmlSyntaxException {
        int start = pos;
        int close = require(text.indexOf("-->", pos + 4), "unterminated comment");
        pos = close + 3;
        String body = text.substring(start + 4, close);
        XmlComment found = commentedElement(start, pos, body);
        if (open.isEmpty()) {
            topComments.add(found);
        } else {
            open.peek().addComment(found);
        }
    }

    /** The comment, with the element it holds when its body is exactly one element. */
    private static XmlComment commentedElement(int start, int end, String body) {
        String trimmed = body.strip();
        String fragment;
        if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
            fragment = trimmed;
        } else if (!trimmed.isEmpty() && isNameStart(trimmed.charAt(0))) {
            fragment = "<" + trimmed + ">";   // WSO2 style: <!--HostName>x</HostName-->
        } else {
            return new XmlComment(start, end, null, null);
        }
        try {
            XmlScanner inner = new XmlScanner(fragment, 0);
            inner.run();
            if (inner.roots.size() != 1 || !inner.topComments.isEmpty() || hasText(fragment, inner.roots.get(0))) {
                return new XmlComment(start, end, null, null);
            }
            XmlComment comment = new XmlComment(start, end, fragment, inner.roots.get(0));
            comment.element().markCommentedIn(comment);
            XmlDocument.checkWellFormed(fragment);
            return comment;
        } catch (XmlSyntaxException | RuntimeException notAnElement) {
            return new XmlComment(start, end, null, null);
        }
    }

    private static boolean hasText(String fragment, XmlElement root) {
        return !fragment.substring(0, root.start()).isBlank() || !fragment.substring(root.end()).isBlank();
    }

    private void doctype() throws XmlSyntaxException {
        int depth = 0;
        for (int i = pos + 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == '>' && depth == 0) {
                pos = i + 1;
                return;
            }
        }
        throw new XmlSyntaxException("unterminated declaration at offset " + (base + pos));
    }

    private void endTag() throws XmlSyntaxException {
        int start = pos;
        int close = require(text.indexOf('>', pos), "unterminated end tag");
        String name = text.substring(pos + 2, close).strip();
        XmlElement element = open.poll();
        if (element == null || !element.name().equals(name)) {
            throw new XmlSyntaxException("end tag </" + name + "> does not match "
                    + (element == null ? "any open element" : "<" + element.name() + ">"));
        }
        pos = close + 1;
        element.close(start, pos);
    }

    private void startTag() throws XmlSyntaxException {
        int start = pos;
        pos++;
        String name = name();
        List<XmlElement.Attribute> attributes = new ArrayList<>();
        while (true) {
            skipWhitespace();
            char c = text.charAt(pos);
            if (c == '>' || (c == '/' && text.charAt(pos + 1) == '>')) {
                boolean selfClosing = c == '/';
                pos += selfClosing ? 2 : 1;
                XmlElement element = new XmlElement(name, open.peek(), start, pos, selfClosing, attributes);
                if (open.isEmpty()) {
                    roots.add(element);
                } else {
                    open.peek().addChild(element);
                }
                if (!selfClosing) {
                    open.push(element);
                }
                return;
            }
            attributes.add(attribute());
        }
    }

    private XmlElement.Attribute attribute() throws XmlSyntaxException {
        String attrName = name();
        skipWhitespace();
        expect('=');
        skipWhitespace();
        char quote = text.charAt(pos);
        if (quote != '"' && quote != '\'') {
            throw new XmlSyntaxException("attribute " + attrName + " has no quoted value");
        }
        int valueStart = pos + 1;
        int valueEnd = require(text.indexOf(quote, valueStart), "unterminated attribute value");
        pos = valueEnd + 1;
        return new XmlElement.Attribute(attrName, text.substring(valueStart, valueEnd), valueStart, valueEnd, quote);
    }

    private String name() throws XmlSyntaxException {
        int start = pos;
        if (!isNameStart(text.charAt(pos))) {
            throw new XmlSyntaxException("expected a name at offset " + (base + pos));
        }
        while (isNameChar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void expect(char c) throws XmlSyntaxException {
        if (text.charAt(pos) != c) {
            throw new XmlSyntaxException("expected '" + c + "' at offset " + (base + pos));
        }
        pos++;
    }

    private void skipWhitespace() {
        while (Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private int require(int index, String problem) throws XmlSyntaxException {
        if (index < 0) {
            throw new XmlSyntaxException(problem + " at offset " + (base + pos));
        }
        return index;
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || Character.isDigit(c) || c == '-' || c == '.';
    }
}
