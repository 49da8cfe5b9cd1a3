package io.apimfleet.controller.spec;

import java.util.Map;

/**
 * Where each field of a spec was written, by field path ({@code nodes[2].role}). A field that was
 * not written is located at the nearest enclosing mapping, so every problem has a place.
 */
public final class SourceMap {
    private final String source;
    private final Map<String, Location> locations;

    SourceMap(String source, Map<String, Location> locations) {
        this.source = source;
        this.locations = Map.copyOf(locations);
    }

    /** The file name as the user typed it. */
    public String source() {
        return source;
    }

    public Location locate(String path) {
        for (String p = path; ; p = FieldPath.parent(p)) {
            Location found = locations.get(p);
            if (found != null) {
                return found;
            }
            if (p.isEmpty()) {
                return new Location(source, 1, 1);
            }
        }
    }
}
