package io.apimfleet.controller.spec;

import java.util.Map;

/**
 * JVM settings of the API-M nodes.
 *
 * @param heap the heap size ({@code -Xms}/{@code -Xmx}, e.g. {@code 2g}) keyed by {@code default} or
 *             by an API-M role name
 */
public record Jvm(Map<String, String> heap) {
    public static final String DEFAULT_KEY = "default";
    public static final String DEFAULT_HEAP = "1g";

    public Jvm {
        heap = heap == null ? Map.of() : Map.copyOf(heap);
    }

    public static Jvm defaults() {
        return new Jvm(Map.of());
    }

    /** The heap for a role: its own entry, else {@code heap.default}, else {@value #DEFAULT_HEAP}. */
    public String heapFor(Role role) {
        return heap.getOrDefault(role.yamlName(), heap.getOrDefault(DEFAULT_KEY, DEFAULT_HEAP));
    }
}
