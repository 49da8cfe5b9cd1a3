package io.apimfleet.controller.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where validation rules put their problems, by field path. A path whose value the loader already
 * reported (or anything inside it) is not judged again: one mistake, one message.
 */
final class Findings {
    private final SourceMap sourceMap;
    private final Set<String> reportedPaths;
    private final List<Problem> problems = new ArrayList<>();

    Findings(SourceMap sourceMap, Set<String> reportedPaths) {
        this.sourceMap = sourceMap;
        this.reportedPaths = reportedPaths;
    }

    void add(String path, String message) {
        if (reportedPaths.stream().noneMatch(reported -> FieldPath.isWithin(reported, path))) {
            problems.add(new Problem(sourceMap.locate(path), message));
        }
    }

    Location locate(String path) {
        return sourceMap.locate(path);
    }

    void requireAbsolutePath(String path, String label, String value) {
        if (value != null && !Formats.isAbsolutePath(value)) {
            add(path, label + " must be an absolute path, starting with /");
        }
    }

    List<Problem> problems() {
        return List.copyOf(problems);
    }
}
