package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;

/** Deletes a file or a directory tree; already absent is "no change". */
@JsonTypeName("file.delete")
public record FileDelete(String path) implements Operation {
    @Override
    public List<String> paths() {
        return List.of(path);
    }
}
