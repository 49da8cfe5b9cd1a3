package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;

/**
 * Moves a file, replacing {@code to} (as the Traffic Manager's registry_TM.xml becomes
 * registry.xml). Source gone and target present means it was done before: "no change".
 */
@JsonTypeName("file.move")
public record FileMove(String from, String to) implements Operation {
    @Override
    public List<String> paths() {
        return List.of(from, to);
    }
}
