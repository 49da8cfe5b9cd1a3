package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;

/** Sets {@code key} in a {@code .properties} file, keeping comments, order and separators. */
@JsonTypeName("properties.set")
public record PropertiesSet(String file, String key, String value) implements Operation {
    @Override
    public List<String> paths() {
        return List.of(file);
    }

    @Override
    public String describe() {
        return op() + " " + file + " " + key;
    }
}
