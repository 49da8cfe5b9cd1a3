package io.apimfleet.protocol.bundle;

/** What one operation did to the staged home: {@code detail} is for humans and holds no value. */
public record OperationResult(int index, String operation, boolean changed, String detail) {
}
