package io.apimfleet.bundle.xml;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The XPath subset bundles use, matched by local names so default namespaces need no prefixes:
 * absolute paths of {@code /} and {@code //} steps, each a name or {@code *} with predicates
 * {@code [N]}, {@code [@a]}, {@code [@a='v']}, {@code [child='v']} and {@code [text()='v']}.
 */
public final class XPath {
    private sealed interface Predicate {
        boolean test(XmlElement element, String source);
    }

    private record AttributeExists(String name) implements Predicate {
        public boolean test(XmlElement element, String source) {
            return element.attribute(name).isPresent();
        }
    }

    private record AttributeEquals(String name, String value) implements Predicate {
        public boolean test(XmlElement element, String source) {
            return element.attribute(name).map(a -> a.value().equals(value)).orElse(false);
        }
    }

    private record ChildEquals(String name, String value) implements Predicate {
        public boolean test(XmlElement element, String source) {
            return element.children().stream()
                    .anyMatch(c -> c.localName().equals(name) && c.text(source).strip().equals(value));
        }
    }

    private record TextEquals(String value) implements Predicate {
        public boolean test(XmlElement element, String source) {
            return element.text(source).strip().equals(value);
        }
    }

    private record Position(int index) implements Predicate {
        public boolean test(XmlElement element, String source) {
            throw new IllegalStateException("positions are applied to a whole step");
        }
    }

    private record Step(boolean descendant, String name, List<Predicate> predicates) {
        boolean matchesName(XmlElement element) {
            return name.equals("*") || element.localName().equals(name);
        }
    }

    private final String expression;
    private final List<Step> steps;

    private XPath(String expression, List<Step> steps) {
        this.expression = expression;
        this.steps = steps;
    }

    public static XPath compile(String expression) throws XmlSyntaxException {
        return new Parser(expression).parse();
    }

    public String expression() {
        return expression;
    }

    /** The local name the last step names, or null for {@code *}. */
    public String lastName() {
        String name = steps.get(steps.size() - 1).name();
        return name.equals("*") ? null : name;
    }

    /** The attributes the last step's {@code [@a='v']} predicates require, in order. */
    public Map<String, String> lastAttributes() {
        Map<String, String> attributes = new java.util.LinkedHashMap<>();
        for (Predicate p : steps.get(steps.size() - 1).predicates()) {
            if (p instanceof AttributeEquals eq) {
                attributes.put(eq.name(), eq.value());
            }
        }
        return attributes;
    }

    /** This path without its last step, or null when it has a single step. */
    public XPath parent() {
        if (steps.size() < 2) {
            return null;
        }
        int cut = expression.length();
        int depth = 0;
        for (int i = expression.length() - 1; i >= 0; i--) {
            char c = expression.charAt(i);
            if (c == ']') {
                depth++;
            } else if (c == '[') {
                depth--;
            } else if (c == '/' && depth == 0) {
                cut = i > 0 && expression.charAt(i - 1) == '/' ? i - 1 : i;
                break;
            }
        }
        return new XPath(expression.substring(0, cut), steps.subList(0, steps.size() - 1));
    }

    /** Active elements (not inside comments) that match, in document order. */
    public List<XmlElement> select(XmlDocument document) {
        List<XmlElement> context = null;
        for (Step step : steps) {
            context = apply(step, context, document, e -> step.descendant() ? descendants(e) : e.children());
        }
        return context;
    }

    /** Elements held by comments whose position matches this path. */
    public List<XmlElement> selectCommented(XmlDocument document) {
        List<XmlElement> context = null;
        for (int i = 0; i < steps.size() - 1; i++) {
            Step step = steps.get(i);
            context = apply(step, context, document, e -> step.descendant() ? descendants(e) : e.children());
        }
        Step last = steps.get(steps.size() - 1);
        if (context == null) {
            List<XmlElement> found = new ArrayList<>(commentedIn(document.topComments()));
            if (last.descendant()) {
                document.roots().forEach(r -> found.addAll(commentedBelow(r, true)));
            }
            return filter(last, found, document.text());
        }
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement e : context) {
            out.addAll(filter(last, commentedBelow(e, last.descendant()), document.text()));
        }
        return out;
    }

    private static List<XmlElement> apply(Step step, List<XmlElement> context, XmlDocument document,
                                          Function<XmlElement, List<XmlElement>> candidates) {
        if (context == null) {
            List<XmlElement> first = step.descendant()
                    ? document.roots().stream().flatMap(r -> selfAndDescendants(r).stream()).toList()
                    : document.roots();
            return filter(step, first, document.text());
        }
        Set<XmlElement> out = new LinkedHashSet<>();
        for (XmlElement e : context) {
            out.addAll(filter(step, candidates.apply(e), document.text()));
        }
        return new ArrayList<>(out);
    }

    private static List<XmlElement> filter(Step step, List<XmlElement> candidates, String source) {
        List<XmlElement> matched = candidates.stream().filter(step::matchesName).toList();
        for (Predicate p : step.predicates()) {
            if (p instanceof Position pos) {
                matched = pos.index() >= 1 && pos.index() <= matched.size() ? List.of(matched.get(pos.index() - 1)) : List.of();
            } else {
                matched = matched.stream().filter(e -> p.test(e, e.commentedIn() == null ? source : e.commentedIn().fragment())).toList();
            }
        }
        return matched;
    }

    private static List<XmlElement> commentedBelow(XmlElement e, boolean deep) {
        List<XmlElement> found = new ArrayList<>(commentedIn(e.comments()));
        if (deep) {
            e.children().forEach(c -> found.addAll(commentedBelow(c, true)));
        }
        return found;
    }

    private static List<XmlElement> commentedIn(List<XmlComment> comments) {
        return comments.stream().filter(XmlComment::holdsElement).map(XmlComment::element).toList();
    }

    private static List<XmlElement> descendants(XmlElement e) {
        List<XmlElement> out = new ArrayList<>();
        e.children().forEach(c -> out.addAll(selfAndDescendants(c)));
        return out;
    }

    private static List<XmlElement> selfAndDescendants(XmlElement e) {
        List<XmlElement> out = new ArrayList<>();
        out.add(e);
        out.addAll(descendants(e));
        return out;
    }

    @Override
    public String toString() {
        return expression;
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text == null ? "" : text.strip();
        }

        XPath parse() throws XmlSyntaxException {
            if (!text.startsWith("/")) {
                throw error("must start with '/' (absolute paths only)");
            }
            List<Step> steps = new ArrayList<>();
            while (pos < text.length()) {
                boolean descendant = text.startsWith("//", pos);
                pos += descendant ? 2 : 1;
                String name = name();
                if (name.startsWith("@")) {
                    throw error("attribute steps are not supported; name the attribute in the operation's 'attribute' field");
                }
                List<Predicate> predicates = new ArrayList<>();
                while (pos < text.length() && text.charAt(pos) == '[') {
                    predicates.add(predicate());
                }
                steps.add(new Step(descendant, name, List.copyOf(predicates)));
                if (pos < text.length() && text.charAt(pos) != '/') {
                    throw error("unexpected '" + text.charAt(pos) + "'");
                }
            }
            if (steps.isEmpty()) {
                throw error("names no element");
            }
            return new XPath(text, List.copyOf(steps));
        }

        private String name() throws XmlSyntaxException {
            int start = pos;
            while (pos < text.length() && "/[]=' \"".indexOf(text.charAt(pos)) < 0) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a name");
            }
            return XmlText.localName(text.substring(start, pos));
        }

        private Predicate predicate() throws XmlSyntaxException {
            int close = text.indexOf(']', pos);
            if (close < 0) {
                throw error("unclosed '['");
            }
            String body = text.substring(pos + 1, close).strip();
            int quoteClose = body.isEmpty() ? -1 : body.lastIndexOf(body.charAt(body.length() - 1), body.length() - 2);
            pos = close + 1;
            if (body.matches("\\d+")) {
                return new Position(Integer.parseInt(body));
            }
            int eq = body.indexOf('=');
            if (eq < 0) {
                if (body.startsWith("@") && body.length() > 1) {
                    return new AttributeExists(XmlText.localName(body.substring(1)));
                }
                throw error("unsupported predicate [" + body + "]");
            }
            String left = body.substring(0, eq).strip();
            String right = body.substring(eq + 1).strip();
            if (right.length() < 2 || (right.charAt(0) != '\'' && right.charAt(0) != '"')
                    || right.charAt(right.length() - 1) != right.charAt(0) || quoteClose < 0) {
                throw error("predicate [" + body + "] needs a quoted value");
            }
            String value = right.substring(1, right.length() - 1);
            if (left.startsWith("@")) {
                return new AttributeEquals(XmlText.localName(left.substring(1)), value);
            }
            if (left.equals("text()")) {
                return new TextEquals(value);
            }
            return new ChildEquals(XmlText.localName(left), value);
        }

        private XmlSyntaxException error(String problem) {
            return new XmlSyntaxException("XPath " + text + ": " + problem);
        }
    }
}
