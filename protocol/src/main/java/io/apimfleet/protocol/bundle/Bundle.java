package io.apimfleet.protocol.bundle;

import java.util.List;

/**
 * What one node's product home must look like, as an ordered list of idempotent operations,
 * how to start the product there ({@code process}, absent when the node runs nothing), and how
 * to tell it is healthy ({@code probes}). {@code revision} grows with every change of the node's
 * desired state.
 */
public record Bundle(String node, long revision, List<Operation> operations, ProcessSpec process, List<Probe> probes) {
    public Bundle {
        operations = operations == null ? List.of() : List.copyOf(operations);
        probes = probes == null ? List.of() : List.copyOf(probes);
    }

    public Bundle(String node, long revision, List<Operation> operations, ProcessSpec process) {
        this(node, revision, operations, process, List.of());
    }

    public Bundle(String node, long revision, List<Operation> operations) {
        this(node, revision, operations, null, List.of());
    }
}
