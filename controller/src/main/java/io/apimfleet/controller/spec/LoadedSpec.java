package io.apimfleet.controller.spec;

import java.util.List;
import java.util.Set;

/**
 * What {@link SpecLoader} made of a file: the model (null when the file is not a YAML mapping at
 * all), where each field was written, and the problems found while reading.
 *
 * @param reportedPaths the field paths those problems concern, so validation skips them
 */
public record LoadedSpec(ClusterSpec spec, SourceMap sourceMap, List<Problem> problems, Set<String> reportedPaths) {
    public LoadedSpec {
        problems = List.copyOf(problems);
        reportedPaths = Set.copyOf(reportedPaths);
    }
}
