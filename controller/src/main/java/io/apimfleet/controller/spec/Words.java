package io.apimfleet.controller.spec;

import java.util.List;

/** Small English for messages: counts and lists. */
final class Words {
    private Words() {
    }

    /** {@code "1 node"}, {@code "2 nodes"}. */
    static String count(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** {@code "a"}, {@code "a and b"}, {@code "a, b and c"}. */
    static String and(List<?> items) {
        List<String> words = items.stream().map(String::valueOf).toList();
        if (words.size() <= 1) {
            return String.join("", words);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
    }

    /** How messages name a node: by its name, or by its position when it has none. */
    static String node(Node node, int index) {
        return node.name() != null ? "node " + node.name() : FieldPath.index("nodes", index);
    }
}
