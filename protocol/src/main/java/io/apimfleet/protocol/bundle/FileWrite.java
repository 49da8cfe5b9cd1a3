package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Writes a whole file. {@code content} is UTF-8 text, or base64 when {@code base64} is true
 * (binary files such as jars). {@code mode} is octal ({@code "0644"}); absent keeps the
 * existing file's mode, or 0644 for a new file.
 */
@JsonTypeName("file.write")
public record FileWrite(String path, String content, boolean base64, String mode) implements Operation {
    public static FileWrite text(String path, String content, String mode) {
        return new FileWrite(path, content, false, mode);
    }

    public static FileWrite binary(String path, byte[] content, String mode) {
        return new FileWrite(path, Base64.getEncoder().encodeToString(content), true, mode);
    }

    /** The bytes to write, with secret references still unresolved in text content. */
    public byte[] bytes() {
        return base64 ? Base64.getDecoder().decode(content) : content.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<String> paths() {
        return List.of(path);
    }
}
