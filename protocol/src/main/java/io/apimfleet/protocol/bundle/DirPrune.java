package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;

/**
 * Removes every entry of a directory except those named in {@code keep}. A web application
 * counts as one entry: keeping {@code oauth2} keeps both {@code oauth2.war} and the exploded
 * {@code oauth2/} folder.
 */
@JsonTypeName("dir.prune")
public record DirPrune(String path, List<String> keep) implements Operation {
    public DirPrune {
        keep = keep == null ? List.of() : List.copyOf(keep);
    }

    @Override
    public List<String> paths() {
        return List.of(path);
    }
}
