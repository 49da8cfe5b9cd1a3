package io.apimfleet.controller.pki;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The JSON files of the state directory: read leniently (newer fields are kept out, not fatal), written atomically, 0600. */
final class StateJson {
    static final ObjectMapper FILES = io.apimfleet.protocol.Json.mapper().copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    static final ObjectMapper LINES = io.apimfleet.protocol.Json.mapper().copy()
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private StateJson() {
    }

    static <T> T read(Path file, Class<T> type, Supplier<T> whenAbsent) {
        try {
            return FILES.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            return whenAbsent.get();
        } catch (IOException e) {
            throw new ControllerStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, Object value) {
        try {
            byte[] json = FILES.writeValueAsBytes(value);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            SecureFiles.writePrivate(file, withNewline);
        } catch (IOException e) {
            throw new ControllerStateException("cannot encode " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
