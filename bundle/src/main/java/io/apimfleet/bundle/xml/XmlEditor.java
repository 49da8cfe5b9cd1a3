package io.apimfleet.bundle.xml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The surgical edits. Each takes a document's text and returns the new text (the same string
 * when nothing needs to change): only the bytes of the edited element change.
 */
public final class XmlEditor {
    private static final String DEFAULT_INDENT_UNIT = "    ";

    private XmlEditor() {
    }

    /** Sets the text of each matched element. */
    public static String setText(String text, String xpath, String value, boolean all) throws XmlEditException {
        XmlDocument doc = parse(text);
        List<XmlElement> targets = matches(doc, xpath, all);
        List<Splice> splices = new ArrayList<>();
        for (XmlElement e : targets) {
            textSplice(doc, e, value, splices);
        }
        return apply(doc, splices);
    }

    /** Sets (or adds) an attribute on each matched element. */
    public static String setAttribute(String text, String xpath, String attribute, String value, boolean all)
            throws XmlEditException {
        XmlDocument doc = parse(text);
        List<Splice> splices = new ArrayList<>();
        for (XmlElement e : matches(doc, xpath, all)) {
            var existing = e.attribute(attribute);
            if (existing.isPresent()) {
                XmlElement.Attribute a = existing.get();
                if (!a.value().equals(value)) {
                    splices.add(new Splice(a.valueStart(), a.valueEnd(), XmlText.escapeAttribute(value, a.quote())));
                }
            } else {
                char quote = e.attributes().isEmpty() ? '"' : e.attributes().get(0).quote();
                int at = tagNameOrLastAttributeEnd(doc.text(), e);
                splices.add(new Splice(at, at, " " + attribute + "=" + quote + XmlText.escapeAttribute(value, quote) + quote));
            }
        }
        return apply(doc, splices);
    }

    /**
     * Makes the element at {@code xpath} exist with {@code value}: sets it when active, otherwise
     * inserts it after {@code afterXpath}, or as the last child of {@code insideXpath} (by
     * default the path's parent), indented like its neighbours. The new element carries the
     * attributes the last step's {@code [@a='v']} predicates name.
     */
    public static String ensure(String text, String xpath, String value, String afterXpath, String insideXpath)
            throws XmlEditException {
        XmlDocument doc = parse(text);
        XPath path = compile(xpath);
        if (existsOnce(doc, path, xpath)) {
            return setText(text, xpath, value, false);
        }
        String name = path.lastName();
        if (name == null) {
            throw new XmlEditException("cannot create an element for '*': name it in the XPath");
        }
        return insert(doc, path, xpath, newElement(name, path.lastAttributes(), value), afterXpath, insideXpath);
    }

    /**
     * Makes the element at {@code xpath} be {@code fragment}: replaces it when active, otherwise
     * inserts the fragment where {@link #ensure} would insert an element.
     */
    public static String ensureFragment(String text, String xpath, String fragment, String afterXpath, String insideXpath)
            throws XmlEditException {
        XmlDocument doc = parse(text);
        XPath path = compile(xpath);
        checkFragment(fragment);
        if (existsOnce(doc, path, xpath)) {
            return replace(text, xpath, fragment, false);
        }
        String out = insert(doc, path, xpath, fragment.strip(), afterXpath, insideXpath);
        if (compile(xpath).select(parse(out)).size() != 1) {
            throw new XmlEditException("the fragment does not match XPath " + xpath + ", so a second run would insert it again");
        }
        return out;
    }

    private static boolean existsOnce(XmlDocument doc, XPath path, String xpath) throws XmlEditException {
        List<XmlElement> existing = path.select(doc);
        if (existing.size() > 1) {
            throw tooMany(xpath, existing.size());
        }
        return existing.size() == 1;
    }

    private static String insert(XmlDocument doc, XPath path, String xpath, String element, String afterXpath, String insideXpath)
            throws XmlEditException {
        String nl = doc.lineSeparator();
        if (afterXpath != null) {
            XmlElement anchor = single(doc, afterXpath, "anchor");
            String indent = indentOf(doc, anchor);
            return doc.splice(anchor.end(), anchor.end(), nl + indent + indentLines(element, indent, nl));
        }
        String parentXpath = insideXpath != null ? insideXpath : parentOf(path, xpath);
        return insertLastChild(doc, single(doc, parentXpath, "anchor"), element);
    }

    /** Replaces each matched element by a fragment; continuation lines take the element's indentation. */
    public static String replace(String text, String xpath, String fragment, boolean all) throws XmlEditException {
        XmlDocument doc = parse(text);
        checkFragment(fragment);
        List<Splice> splices = new ArrayList<>();
        for (XmlElement e : matches(doc, xpath, all)) {
            String rendered = indentLines(fragment.strip(), indentOf(doc, e), doc.lineSeparator());
            if (!doc.text().substring(e.start(), e.end()).equals(rendered)) {
                splices.add(new Splice(e.start(), e.end(), rendered));
            }
        }
        return apply(doc, splices);
    }

    /** Comments out each matched element; one found only inside a comment is already done. */
    public static String comment(String text, String xpath, boolean all) throws XmlEditException {
        XmlDocument doc = parse(text);
        XPath path = compile(xpath);
        List<XmlElement> active = path.select(doc);
        if (active.isEmpty()) {
            if (path.selectCommented(doc).isEmpty()) {
                throw new XmlEditException("XPath " + xpath + " matches nothing, active or commented out");
            }
            return text;
        }
        checkCount(xpath, active.size(), all);
        List<Splice> splices = new ArrayList<>();
        for (XmlElement e : active) {
            String body = doc.text().substring(e.start(), e.end());
            if (body.contains("--")) {
                throw new XmlEditException("element at " + xpath + " contains '--' (a comment inside it?), which a comment cannot hold");
            }
            splices.add(new Splice(e.start(), e.end(), "<!--" + body + "-->"));
        }
        return apply(doc, splices);
    }

    /** Brings back each matched commented-out element; an active one is already done. */
    public static String uncomment(String text, String xpath, boolean all) throws XmlEditException {
        XmlDocument doc = parse(text);
        XPath path = compile(xpath);
        List<XmlElement> commented = path.selectCommented(doc);
        if (commented.isEmpty()) {
            if (path.select(doc).isEmpty()) {
                throw new XmlEditException("XPath " + xpath + " matches nothing, active or commented out");
            }
            return text;
        }
        checkCount(xpath, commented.size(), all);
        List<Splice> splices = new ArrayList<>();
        for (XmlElement e : commented) {
            XmlComment c = e.commentedIn();
            splices.add(new Splice(c.start(), c.end(), c.fragment()));
        }
        return apply(doc, splices);
    }

    private record Splice(int start, int end, String replacement) {
    }

    private static String apply(XmlDocument doc, List<Splice> splices) {
        if (splices.isEmpty()) {
            return doc.text();
        }
        StringBuilder out = new StringBuilder(doc.text());
        splices.stream().sorted(Comparator.comparingInt(Splice::start).reversed())
                .forEach(s -> out.replace(s.start(), s.end(), s.replacement()));
        return out.toString();
    }

    private static void textSplice(XmlDocument doc, XmlElement e, String value, List<Splice> splices) throws XmlEditException {
        if (!e.children().isEmpty()) {
            throw new XmlEditException("element <" + e.name() + "> has child elements; use xml.replace to change a subtree");
        }
        if (e.text(doc.text()).equals(value)) {
            return;
        }
        String escaped = XmlText.escapeText(value);
        if (e.selfClosing()) {
            String tag = doc.text().substring(e.start(), e.startTagEnd() - 2).stripTrailing();
            splices.add(new Splice(e.start(), e.end(), tag + ">" + escaped + "</" + e.name() + ">"));
        } else {
            splices.add(new Splice(e.startTagEnd(), e.endTagStart(), escaped));
        }
    }

    private static String insertLastChild(XmlDocument doc, XmlElement parent, String element) {
        String nl = doc.lineSeparator();
        String parentIndent = indentOf(doc, parent);
        if (!parent.children().isEmpty()) {
            XmlElement last = parent.children().get(parent.children().size() - 1);
            String indent = indentOf(doc, last);
            return doc.splice(last.end(), last.end(), nl + indent + indentLines(element, indent, nl));
        }
        String childIndent = parentIndent + indentUnit(doc);
        element = indentLines(element, childIndent, nl);
        if (parent.selfClosing()) {
            String tag = doc.text().substring(parent.start(), parent.startTagEnd() - 2).stripTrailing();
            return doc.splice(parent.start(), parent.end(),
                    tag + ">" + nl + childIndent + element + nl + parentIndent + "</" + parent.name() + ">");
        }
        String content = doc.text().substring(parent.startTagEnd(), parent.endTagStart());
        if (content.isBlank()) {
            return doc.splice(parent.startTagEnd(), parent.endTagStart(), nl + childIndent + element + nl + parentIndent);
        }
        // Only text or comments inside: add the element on its own line before the end tag.
        int at = parent.endTagStart();
        while (at > parent.startTagEnd() && Character.isWhitespace(doc.text().charAt(at - 1))) {
            at--;
        }
        return doc.splice(at, at, nl + childIndent + element);
    }

    private static String newElement(String name, Map<String, String> attributes, String value) {
        StringBuilder tag = new StringBuilder("<").append(name);
        attributes.forEach((k, v) -> tag.append(' ').append(k).append("=\"").append(XmlText.escapeAttribute(v, '"')).append('"'));
        return tag.append('>').append(XmlText.escapeText(value == null ? "" : value)).append("</").append(name).append('>').toString();
    }

    private static String indentOf(XmlDocument doc, XmlElement e) {
        String indent = XmlText.indentationBefore(doc.text(), e.start());
        return indent == null ? "" : indent;
    }

    /** The step between a parent's indentation and its first indented child's, found in the file. */
    private static String indentUnit(XmlDocument doc) {
        for (XmlElement root : doc.roots()) {
            for (XmlElement child : root.children()) {
                String parentIndent = indentOf(doc, root);
                String childIndent = XmlText.indentationBefore(doc.text(), child.start());
                if (childIndent != null && childIndent.length() > parentIndent.length() && childIndent.startsWith(parentIndent)) {
                    return childIndent.substring(parentIndent.length());
                }
            }
        }
        return DEFAULT_INDENT_UNIT;
    }

    private static String indentLines(String fragment, String indent, String nl) {
        String[] lines = fragment.split("\r?\n", -1);
        StringBuilder out = new StringBuilder(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            out.append(nl).append(lines[i].isEmpty() ? "" : indent + lines[i]);
        }
        return out.toString();
    }

    private static int tagNameOrLastAttributeEnd(String text, XmlElement e) {
        if (!e.attributes().isEmpty()) {
            return e.attributes().get(e.attributes().size() - 1).valueEnd() + 1;
        }
        return e.start() + 1 + e.name().length();
    }

    private static void checkFragment(String fragment) throws XmlEditException {
        if (fragment == null || fragment.isBlank()) {
            throw new XmlEditException("the fragment is empty");
        }
        try {
            XmlDocument f = XmlDocument.parse(fragment.strip());
            if (f.roots().size() != 1) {
                throw new XmlEditException("the fragment must be exactly one element");
            }
        } catch (XmlSyntaxException e) {
            throw new XmlEditException("the fragment is " + e.getMessage());
        }
    }

    private static XmlDocument parse(String text) throws XmlEditException {
        try {
            return XmlDocument.parse(text);
        } catch (XmlSyntaxException e) {
            throw new XmlEditException(e.getMessage());
        }
    }

    private static XPath compile(String xpath) throws XmlEditException {
        try {
            return XPath.compile(xpath);
        } catch (XmlSyntaxException e) {
            throw new XmlEditException(e.getMessage());
        }
    }

    private static String parentOf(XPath path, String xpath) throws XmlEditException {
        XPath parent = path.parent();
        if (parent == null) {
            throw new XmlEditException("XPath " + xpath + " names the root element, which cannot be inserted");
        }
        return parent.expression();
    }

    private static List<XmlElement> matches(XmlDocument doc, String xpath, boolean all) throws XmlEditException {
        List<XmlElement> found = compile(xpath).select(doc);
        if (found.isEmpty()) {
            throw new XmlEditException("XPath " + xpath + " matches nothing");
        }
        checkCount(xpath, found.size(), all);
        return found;
    }

    private static XmlElement single(XmlDocument doc, String xpath, String role) throws XmlEditException {
        List<XmlElement> found = compile(xpath).select(doc);
        if (found.isEmpty()) {
            throw new XmlEditException(role + " XPath " + xpath + " matches nothing");
        }
        if (found.size() > 1) {
            throw new XmlEditException(role + " XPath " + xpath + " matches " + found.size() + " elements; it must match one");
        }
        return found.get(0);
    }

    private static void checkCount(String xpath, int count, boolean all) throws XmlEditException {
        if (count > 1 && !all) {
            throw tooMany(xpath, count);
        }
    }

    private static XmlEditException tooMany(String xpath, int count) {
        return new XmlEditException("XPath " + xpath + " matches " + count
                + " elements; make it match one (e.g. add [@name='...'] or [N]) or set all: true");
    }
}
