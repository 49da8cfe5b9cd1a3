package io.apimfleet.controller.spec;

import io.apimfleet.protocol.SecretRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping being read into the model. Every typed read declares the field as known and
 * turns a value of the wrong shape into a located problem (and an empty result) instead of an
 * exception; {@link #finish()} then reports the fields nobody asked for and those written twice.
 */
final class YamlMap {
    private static final String INLINE_SECRET =
            " is written inline; write ${secret:NAME} and store the value with fleet secret set NAME (or fleet apply --secrets FILE)";
    private static final String MALFORMED_REFERENCE =
            " must be exactly one ${secret:NAME} reference, NAME made of letters, digits, '.', '_' and '-'";

    /** One value in the file: its field path, how messages name it, and where its mapping is. */
    private record Field(String path, String label, String where, Node node) {
    }

    private final YamlContext ctx;
    private final MappingNode node;
    private final String path;
    private String owner; // how messages name this mapping ("product", "node km1"); null at the top
    private boolean named;
    private String keyNoun = "field";
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final List<NodeTuple> duplicates = new ArrayList<>();
    private final Set<String> known = new LinkedHashSet<>();
    private final Map<String, String> missing = new LinkedHashMap<>(); // required key -> how to add it

    private YamlMap(YamlContext ctx, MappingNode node, String path, String owner) {
        this.ctx = ctx;
        this.node = node;
        this.path = path;
        this.owner = owner;
        ctx.record(path, node);
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                ctx.report(path, ctx.location(tuple.getKeyNode()),
                        "a field name must be a plain word, not a list or a mapping, " + where());
            } else if (entries.putIfAbsent(key.getValue(), tuple) == null) {
                ctx.record(FieldPath.child(path, key.getValue()), tuple.getValueNode());
            } else {
                duplicates.add(tuple);
            }
        }
    }

    static YamlMap root(YamlContext ctx, MappingNode node) {
        return new YamlMap(ctx, node, FieldPath.ROOT, null);
    }

    /** Names this mapping in messages by what it is, e.g. "node km1", rather than by its path. */
    void describeAs(String name) {
        owner = name;
        named = true;
    }

    /** What the keys of this mapping are called in messages, e.g. "role" for endpoints. */
    void keysAre(String noun) {
        keyNoun = noun;
    }

    /** A scalar's text without declaring the field: for naming the mapping before reading it. */
    Optional<String> peek(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple != null && tuple.getValueNode() instanceof ScalarNode scalar && !isNull(scalar)
                ? Optional.of(scalar.getValue()) : Optional.empty();
    }

    Optional<String> text(String key) {
        return field(key).flatMap(f -> asText(f).flatMap(value -> secretChecked(f, key, value)));
    }

    Optional<Integer> integer(String key) {
        return field(key).flatMap(this::asInteger);
    }

    Optional<Boolean> bool(String key) {
        return field(key).flatMap(this::asBoolean);
    }

    Optional<Duration> duration(String key) {
        return field(key).flatMap(this::asDuration);
    }

    /** One of a fixed set of names, e.g. a role; anything else is reported with a suggestion. */
    <T> Optional<T> choice(String key, String noun, Map<String, T> choices) {
        return field(key).flatMap(f -> asChoice(f, noun, choices));
    }

    Optional<List<String>> texts(String key) {
        return list(key, this::asText);
    }

    <T> Optional<List<T>> choices(String key, String noun, Map<String, T> choices) {
        return list(key, f -> asChoice(f, noun, choices));
    }

    /** A nested mapping, read by {@code reader} and then checked for unknown fields. */
    <T> Optional<T> section(String key, Function<YamlMap, T> reader) {
        return field(key).flatMap(f -> asSection(f, reader));
    }

    /** A list of mappings, each read by {@code reader}. */
    <T> Optional<List<T>> sections(String key, Function<YamlMap, T> reader) {
        return list(key, f -> asSection(f, reader));
    }

    /**
     * Reads a field that must be written. Its absence is reported at this mapping with {@code hint},
     * in {@link #finish()}, unless an unknown field there is its misspelling.
     */
    <T> Optional<T> required(String key, String hint, Function<String, Optional<T>> read) {
        if (field(key).isEmpty()) {
            missing.put(key, hint);
            return Optional.empty();
        }
        return read.apply(key);
    }

    /** Reports the keys written twice, those no read asked for, and the required ones not written. */
    void finish() {
        for (NodeTuple duplicate : duplicates) {
            String key = ((ScalarNode) duplicate.getKeyNode()).getValue();
            int firstLine = ctx.location(entries.get(key).getKeyNode()).line();
            ctx.report(FieldPath.child(path, key), ctx.location(duplicate.getKeyNode()),
                    "duplicate " + keyNoun + " '" + key + "' " + where() + " (first at line " + firstLine
                            + "); keep only one");
        }
        Set<String> misspelt = new LinkedHashSet<>();
        entries.forEach((key, tuple) -> {
            if (!known.contains(key)) {
                Optional<String> meant = DidYouMean.closest(key, known);
                meant.ifPresent(misspelt::add);
                ctx.report(FieldPath.child(path, key), ctx.location(tuple.getKeyNode()),
                        "unknown " + keyNoun + " '" + key + "' " + where() + "; " + meant
                                .map(found -> "did you mean '" + found + "'?")
                                .orElse("known " + keyNoun + "s: " + String.join(", ", known)));
            }
        });
        missing.forEach((key, hint) -> {
            String fieldPath = FieldPath.child(path, key);
            if (misspelt.contains(key)) {
                ctx.markReported(fieldPath); // the misspelling's message says it all
            } else {
                ctx.report(fieldPath, ctx.location(node), "missing " + keyNoun + " '" + key + "' " + where() + "; " + hint);
            }
        });
    }

    private String where() {
        return owner == null ? "at the top level" : "in " + owner;
    }

    private String label(String key) {
        if (owner == null) {
            return key;
        }
        return named ? key + " of " + owner : owner + "." + key;
    }

    /** The field's value, empty when absent or written empty ({@code key:} or {@code key: ~}). */
    private Optional<Field> field(String key) {
        known.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(new Field(FieldPath.child(path, key), label(key), where(), tuple.getValueNode()));
    }

    private <T> Optional<List<T>> list(String key, Function<Field, Optional<T>> convert) {
        return field(key).flatMap(f -> {
            if (!(f.node() instanceof SequenceNode sequence)) {
                return wrongShape(f, "a list");
            }
            List<T> values = new ArrayList<>();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                // Paths follow the model's indexes, so a skipped item cannot shift later locations.
                String itemPath = FieldPath.index(f.path(), values.size());
                Field item = new Field(itemPath, label(key + "[" + i + "]"), "in " + f.label(), items.get(i));
                convert.apply(item).ifPresent(value -> {
                    ctx.record(itemPath, item.node());
                    values.add(value);
                });
            }
            return Optional.of(values);
        });
    }

    private <T> Optional<T> asSection(Field f, Function<YamlMap, T> reader) {
        if (!(f.node() instanceof MappingNode mapping)) {
            return wrongShape(f, "a mapping of fields");
        }
        YamlMap section = new YamlMap(ctx, mapping, f.path(), f.label());
        T value = reader.apply(section);
        section.finish();
        return Optional.ofNullable(value);
    }

    private Optional<String> asText(Field f) {
        return f.node() instanceof ScalarNode scalar && !isNull(scalar)
                ? Optional.of(scalar.getValue()) : wrongShape(f, "text");
    }

    private Optional<Integer> asInteger(Field f) {
        if (f.node() instanceof ScalarNode scalar && Tag.INT.equals(scalar.getTag())) {
            try {
                return Optional.of(Integer.parseInt(scalar.getValue().replace("_", "")));
            } catch (NumberFormatException tooBigOrNotDecimal) {
                // reported below like any other non-number
            }
        }
        return wrongShape(f, "a whole number");
    }

    private Optional<Boolean> asBoolean(Field f) {
        if (f.node() instanceof ScalarNode scalar && Tag.BOOL.equals(scalar.getTag())) {
            // YAML 1.1 booleans, as SnakeYAML resolves them: true/yes/on and false/no/off.
            return Optional.of(Set.of("true", "yes", "on").contains(scalar.getValue().toLowerCase(Locale.ROOT)));
        }
        return wrongShape(f, "true or false");
    }

    private Optional<Duration> asDuration(Field f) {
        return asText(f).flatMap(text -> {
            Optional<Duration> duration = Durations.parse(text);
            if (duration.isEmpty()) {
                report(f, f.label() + " must be a duration such as 500ms, 10s, 5m or 1h");
            }
            return duration;
        });
    }

    private <T> Optional<T> asChoice(Field f, String noun, Map<String, T> choices) {
        return asText(f).flatMap(text -> {
            T chosen = choices.get(text);
            if (chosen == null) {
                report(f, "unknown " + noun + " '" + text + "' " + f.where() + DidYouMean.hint(text, choices.keySet())
                        + " (" + noun + "s: " + String.join(", ", choices.keySet()) + ")");
            }
            return Optional.ofNullable(chosen);
        });
    }

    /** A secret field holds a reference only; its inline value goes no further and is never echoed. */
    private Optional<String> secretChecked(Field f, String key, String value) {
        if (!isSecretField(key) || SecretRef.isReference(value)) {
            return Optional.of(value);
        }
        report(f, f.label() + (SecretRef.mentionsSecret(value) ? MALFORMED_REFERENCE : INLINE_SECRET));
        return Optional.empty();
    }

    private static boolean isSecretField(String key) {
        String name = key.toLowerCase(Locale.ROOT);
        return name.endsWith("password") || name.endsWith("secret") || name.endsWith("token");
    }

    /** Reports a value of the wrong shape, without echoing it: it may be a mistyped secret. */
    private <T> Optional<T> wrongShape(Field f, String expected) {
        String found = switch (f.node().getNodeId()) {
            case sequence -> ", not a list";
            case mapping -> ", not a mapping";
            default -> isNull(f.node()) ? ", not empty" : "";
        };
        report(f, f.label() + " must be " + expected + found);
        return Optional.empty();
    }

    private void report(Field f, String message) {
        ctx.report(f.path(), ctx.location(f.node()), message);
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
    }
}
