package io.apimfleet.bundle.stage;

/**
 * One path a revision changed: what stood there before (kept under the revision's backups)
 * and the hash of what the revision left (null when it deleted the path).
 */
public record FileRecord(String path, Before before, Integer mode, String hashAfter) {
    public enum Before { ABSENT, FILE, DIRECTORY }
}
