package io.apimfleet.protocol.bundle;

import java.util.List;

/**
 * What one node's product home must look like, as an ordered list of idempotent operations,
 * and how to start the product there ({@code process}, absent when the node runs nothing).
 * {@code revision} grows with every change of the node's desired state.
 */
public record Bundle(String node, long revision, List<Operation> operations, ProcessSpec process) {
    public Bundle {
        operations = operations == null ? List.of() : List.copyOf(operations);
    }

    public Bundle(String node, long revision, List<Operation> operations) {
        this(node, revision, operations, null);
    }
}
