package io.apimfleet.bundle.xml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An element of a scanned document with the exact offsets of its tags. Offsets index the
 * document's text; for an element found inside a comment they index the comment's fragment and
 * {@link #commentedIn()} names that comment.
 */
public final class XmlElement {
    /** An attribute with the offsets of its value (between the quotes). */
    public record Attribute(String name, String rawValue, int valueStart, int valueEnd, char quote) {
        public String localName() {
            return XmlText.localName(name);
        }

        public String value() {
            return XmlText.unescape(rawValue);
        }
    }

    private final String name;
    private final XmlElement parent;
    private final int start;
    private final int startTagEnd;
    private final boolean selfClosing;
    private final List<Attribute> attributes;
    private final List<XmlElement> children = new ArrayList<>();
    private final List<XmlComment> comments = new ArrayList<>();
    private int endTagStart;
    private int end;
    private XmlComment commentedIn;

    XmlElement(String name, XmlElement parent, int start, int startTagEnd, boolean selfClosing, List<Attribute> attributes) {
        this.name = name;
        this.parent = parent;
        this.start = start;
        this.startTagEnd = startTagEnd;
        this.selfClosing = selfClosing;
        this.attributes = List.copyOf(attributes);
        if (selfClosing) {
            this.endTagStart = startTagEnd;
            this.end = startTagEnd;
        }
    }

    void close(int endTagStart, int end) {
        this.endTagStart = endTagStart;
        this.end = end;
    }

    void addChild(XmlElement child) {
        children.add(child);
    }

    void addComment(XmlComment comment) {
        comments.add(comment);
    }

    void markCommentedIn(XmlComment comment) {
        this.commentedIn = comment;
        children.forEach(c -> c.markCommentedIn(comment));
    }

    public String name() {
        return name;
    }

    public String localName() {
        return XmlText.localName(name);
    }

    public XmlElement parent() {
        return parent;
    }

    /** Offset of {@code <} of the start tag. */
    public int start() {
        return start;
    }

    /** Offset just after {@code >} of the start tag. */
    public int startTagEnd() {
        return startTagEnd;
    }

    /** Offset of {@code <} of the end tag (equals {@link #startTagEnd()} when self-closing). */
    public int endTagStart() {
        return endTagStart;
    }

    /** Offset just after the element's last {@code >}. */
    public int end() {
        return end;
    }

    public boolean selfClosing() {
        return selfClosing;
    }

    public List<Attribute> attributes() {
        return attributes;
    }

    public Optional<Attribute> attribute(String localName) {
        return attributes.stream().filter(a -> a.localName().equals(localName)).findFirst();
    }

    public List<XmlElement> children() {
        return Collections.unmodifiableList(children);
    }

    /** Comments directly inside this element, in document order. */
    public List<XmlComment> comments() {
        return Collections.unmodifiableList(comments);
    }

    /** The comment this element sits in, or null for an active element. */
    public XmlComment commentedIn() {
        return commentedIn;
    }

    /** The element's text content (entities and CDATA decoded), or "" when self-closing. */
    public String text(String source) {
        return selfClosing ? "" : XmlText.decodeContent(source.substring(startTagEnd, endTagStart));
    }

    @Override
    public String toString() {
        return "<" + name + "> at " + start;
    }
}
