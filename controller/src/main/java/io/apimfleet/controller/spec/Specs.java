package io.apimfleet.controller.spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The one way in: load a spec and validate it, every problem at once. */
public final class Specs {
    private Specs() {
    }

    /** @param source how problems name the file, e.g. the path as the user typed it */
    public static CheckedSpec check(String source, String yaml) {
        return check(SpecLoader.load(source, yaml));
    }

    /** Reads a UTF-8 file; I/O failures (missing, unreadable, not UTF-8) are the caller's to report. */
    public static CheckedSpec check(Path file, String source) throws IOException {
        return check(SpecLoader.load(file, source));
    }

    private static CheckedSpec check(LoadedSpec loaded) {
        List<Problem> problems = new ArrayList<>(loaded.problems());
        problems.addAll(SpecValidator.validate(loaded));
        return new CheckedSpec(loaded.spec(), loaded.sourceMap(), problems);
    }
}
