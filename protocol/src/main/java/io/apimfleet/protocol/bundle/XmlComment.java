package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Comments out the element at {@code xpath}; already commented out is "no change". */
@JsonTypeName("xml.comment")
public record XmlComment(String file, String xpath, boolean all) implements XmlOperation {
}
