package io.apimfleet.bundle.stage;

/**
 * Told after each durable step of a swap. Production ignores it; the crash test stops the
 * process at a chosen step to prove every step is recoverable.
 */
@FunctionalInterface
public interface Checkpoints {
    Checkpoints NONE = label -> {
    };

    void reached(String label);
}
