package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Replaces the whole element at {@code xpath} by {@code fragment}, a well-formed element. */
@JsonTypeName("xml.replace")
public record XmlReplace(String file, String xpath, String fragment, boolean all) implements XmlOperation {
}
