package io.apimfleet.bundle.stage;

import io.apimfleet.bundle.BundleException;

import java.nio.file.Path;

/** A path relative to a product home, checked never to leave it. */
public final class HomePath {
    private HomePath() {
    }

    /** The normalised form ("a/b/c") of a home-relative path, or an error naming it. */
    public static String normalize(String relative) {
        if (relative == null || relative.isBlank()) {
            throw new BundleException("a path is required");
        }
        String slashed = relative.replace('\\', '/');
        if (slashed.startsWith("/")) {
            throw new BundleException("path " + relative + " must be relative to the home");
        }
        Path normal = Path.of(slashed).normalize();
        String text = normal.toString().replace('\\', '/');
        if (text.isEmpty() || text.equals(".") || text.equals("..") || text.startsWith("../")) {
            throw new BundleException("path " + relative + " leaves the home");
        }
        return text;
    }

    public static String parent(String normalized) {
        int slash = normalized.lastIndexOf('/');
        return slash < 0 ? "" : normalized.substring(0, slash);
    }

    public static String name(String normalized) {
        return normalized.substring(normalized.lastIndexOf('/') + 1);
    }

    /** True when {@code path} is {@code ancestor} or lies below it. */
    public static boolean isWithin(String path, String ancestor) {
        return path.equals(ancestor) || path.startsWith(ancestor + "/");
    }
}
