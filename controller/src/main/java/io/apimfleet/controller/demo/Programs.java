package io.apimfleet.controller.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a program the demo needs on this host (HAProxy): on {@code PATH}, then in the
 * administrators' folders Debian leaves off a user's {@code PATH} ({@code /usr/sbin} and the like).
 */
public final class Programs {
    static final List<String> ADMIN_DIRS = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    private Programs() {
    }

    public static Optional<Path> find(String program, String path) {
        return find(program, path, ADMIN_DIRS);
    }

    static Optional<Path> find(String program, String path, List<String> adminDirs) {
        List<String> dirs = new ArrayList<>();
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(adminDirs);
        return dirs.stream().filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst();
    }

    /** {@code path} with {@code dir} appended when it is not already on it. */
    public static String withDir(String path, Path dir) {
        String text = dir.toString();
        if (path == null || path.isEmpty()) {
            return text;
        }
        return List.of(path.split(File.pathSeparator)).contains(text) ? path : path + File.pathSeparator + text;
    }
}
