package io.apimfleet.controller.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fleet node add}: a spec's text with one more node of a role, made from its first twin's
 * entry as the user wrote it (style, comments, every field), with the host-specific values
 * replaced: name, host, and address. The entry goes right after the role's last node; nothing
 * else in the text changes.
 */
public final class NodeAddition {
    private NodeAddition() {
    }

    /** The new node as given on the command line; {@code address} and {@code endpoint} ({@code HOST:PORT}) may be null. */
    public record NewNode(String name, Role role, String host, String address, String endpoint) {
    }

    /**
     * The edited text. {@code checked} must be the valid check of {@code yaml}.
     *
     * @throws IllegalArgumentException naming what is wrong: no node of the role to copy, the name
     *                                  taken, or a twin with an address and none given
     */
    public static String add(CheckedSpec checked, String yaml, NewNode added) {
        ClusterSpec spec = checked.validSpec();
        if (spec.node(added.name()).isPresent()) {
            throw new IllegalArgumentException("a node named " + added.name() + " is already in the spec");
        }
        List<Node> nodes = spec.nodes();
        int twin = indexOfFirst(nodes, added.role());
        if (twin < 0) {
            throw new IllegalArgumentException("the spec has no " + added.role().yamlName() + " node to copy; write the first one by hand");
        }
        Node original = nodes.get(twin);
        if (original.address() != null && added.address() == null) {
            throw new IllegalArgumentException(original.name() + " binds to address " + original.address()
                    + "; give the new node its own with --address");
        }
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        String entry = String.join("\n", lines.subList(firstLine(checked, twin), endLine(checked, lines, nodes.size(), twin)));
        String copy = replaceValue(entry, "name", original.name(), added.name());
        copy = replaceValue(copy, "host", original.host(), added.host());
        if (original.address() != null) {
            copy = replaceValue(copy, "address", original.address(), added.address());
        }
        if (added.endpoint() != null) {
            addEndpoint(checked, lines, added);   // below the nodes: inserted first, so the nodes' line numbers still hold
        }
        int last = indexOfLast(nodes, added.role());
        lines.addAll(endLine(checked, lines, nodes.size(), last), copy.lines().toList());
        return String.join("\n", lines) + (yaml.endsWith("\n") ? "\n" : "");
    }

    /** {@code ROLE: { host: H, port: P }} after the last entry of {@code loadBalancer.endpoints}, in its indentation. */
    private static void addEndpoint(CheckedSpec checked, List<String> lines, NewNode added) {
        ClusterSpec spec = checked.validSpec();
        if (spec.endpoint(added.role()).isPresent()) {
            throw new IllegalArgumentException("loadBalancer.endpoints." + added.role().yamlName() + " is already in the spec; leave out --endpoint");
        }
        int colon = added.endpoint().lastIndexOf(':');
        if (colon <= 0 || !added.endpoint().substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--endpoint is HOST:PORT (where peers reach the doubled role), not '" + added.endpoint() + "'");
        }
        if (spec.loadBalancer() == null || spec.loadBalancer().endpoints().isEmpty()) {
            throw new IllegalArgumentException("the spec has no loadBalancer.endpoints to add to; write the loadBalancer section and its node by hand first");
        }
        int lastEntry = -1;
        int column = 0;
        for (Role role : spec.loadBalancer().endpoints().keySet()) {
            Location at = checked.sourceMap().locate("loadBalancer.endpoints." + role.yamlName());
            if (at.line() - 1 > lastEntry) {
                lastEntry = at.line() - 1;
                column = lines.get(lastEntry).length() - lines.get(lastEntry).stripLeading().length();
            }
        }
        lines.add(lastEntry + 1, " ".repeat(column) + added.role().yamlName() + ": { host: " + added.endpoint().substring(0, colon)
                + ", port: " + added.endpoint().substring(colon + 1) + " }");
    }

    private static int indexOfFirst(List<Node> nodes, Role role) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).role() == role) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfLast(List<Node> nodes, Role role) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (nodes.get(i).role() == role) {
                return i;
            }
        }
        return -1;
    }

    /** 0-based index of the line the node's entry starts on (its {@code -}). */
    private static int firstLine(CheckedSpec checked, int node) {
        return checked.sourceMap().locate("nodes[" + node + "]").line() - 1;
    }

    /**
     * 0-based index of the first line after the node's entry: the next node's first line, or for
     * the last node the next line that starts a top-level key; trailing blank and comment-only
     * lines are left where they are.
     */
    private static int endLine(CheckedSpec checked, List<String> lines, int count, int node) {
        int end;
        if (node + 1 < count) {
            end = firstLine(checked, node + 1);
        } else {
            end = firstLine(checked, node) + 1;
            while (end < lines.size() && !startsTopLevelKey(lines.get(end))) {
                end++;
            }
        }
        while (end > firstLine(checked, node) + 1 && isBlankOrComment(lines.get(end - 1))) {
            end--;
        }
        return end;
    }

    private static boolean startsTopLevelKey(String line) {
        return !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.charAt(0) != '#' && line.charAt(0) != '-';
    }

    private static boolean isBlankOrComment(String line) {
        String stripped = line.strip();
        return stripped.isEmpty() || stripped.startsWith("#");
    }

    /** {@code key: old} (plain or quoted) becomes {@code key: new}, in the entry's own style. */
    private static String replaceValue(String entry, String key, String old, String replacement) {
        Pattern field = Pattern.compile("(\\b" + key + ":\\s*)([\"']?)" + Pattern.quote(old) + "\\2(?=[\\s,}#]|$)", Pattern.MULTILINE);
        Matcher m = field.matcher(entry);
        if (!m.find()) {
            throw new IllegalArgumentException("cannot find '" + key + ": " + old + "' in the entry to copy; add the node by hand");
        }
        return entry.substring(0, m.start()) + m.group(1) + m.group(2) + replacement + m.group(2) + entry.substring(m.end());
    }
}
