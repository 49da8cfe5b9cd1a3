package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;

/** Copies a file inside the home, replacing {@code to}; same content already there is "no change". */
@JsonTypeName("file.copy")
public record FileCopy(String from, String to) implements Operation {
    @Override
    public List<String> paths() {
        return List.of(from, to);
    }
}
