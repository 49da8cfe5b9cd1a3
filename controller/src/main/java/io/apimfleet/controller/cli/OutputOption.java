package io.apimfleet.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apimfleet.protocol.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --output table|json} on the read commands: tables for people, JSON for scripts. */
final class OutputOption {
    enum Format { table, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE})")
    Format format;

    boolean json() {
        return format == Format.json;
    }

    /** {@code value} as indented JSON (the protocol's mapping). */
    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
