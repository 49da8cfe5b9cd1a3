package io.apimfleet.controller.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * What reading one spec file accumulates: its problems, the location of every field, and the
 * paths already reported, so validation does not judge a broken value a second time.
 */
final class YamlContext {
    private final String source;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Location> locations = new HashMap<>();
    private final Set<String> reported = new HashSet<>();

    YamlContext(String source) {
        this.source = source;
    }

    Location fileStart() {
        return new Location(source, 1, 1);
    }

    /** SnakeYAML marks are 0-based; people count from 1. */
    Location location(Mark mark) {
        return mark == null ? fileStart()
                : new Location(source, mark.getLine() + 1, mark.getColumn() + 1);
    }

    Location location(Node node) {
        return location(node.getStartMark());
    }

    void record(String path, Node node) {
        locations.putIfAbsent(path, location(node));
    }

    void report(String path, Location at, String message) {
        problems.add(new Problem(at, message));
        markReported(path);
    }

    /** Keeps validation off a path whose problem another message already covers. */
    void markReported(String path) {
        reported.add(path);
    }

    LoadedSpec result(ClusterSpec spec) {
        return new LoadedSpec(spec, new SourceMap(source, locations), problems, reported);
    }
}
