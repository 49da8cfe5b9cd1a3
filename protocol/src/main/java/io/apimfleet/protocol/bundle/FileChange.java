package io.apimfleet.protocol.bundle;

/** One path a bundle changes, with a unified diff in which every secret shows as (secret). */
public record FileChange(String path, Kind kind, String diff) {
    public enum Kind { CREATED, MODIFIED, DELETED }
}
