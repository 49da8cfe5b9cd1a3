package io.apimfleet.controller.spec;

import java.util.List;

/**
 * A spec and everything wrong with it, problems in reading order.
 *
 * @param spec null when the file could not be read as a spec at all
 */
public record CheckedSpec(ClusterSpec spec, SourceMap sourceMap, List<Problem> problems) {
    public CheckedSpec {
        problems = problems.stream().sorted(Problem.BY_POSITION).toList();
    }

    public boolean isValid() {
        return spec != null && problems.isEmpty();
    }

    /** The spec, for callers that need a valid one. */
    public ClusterSpec validSpec() {
        if (!isValid()) {
            throw new IllegalStateException("the spec has " + problems.size() + " problem(s)");
        }
        return spec;
    }
}
