package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Makes the element at {@code xpath} exist with text {@code value}. When it is missing, or present
 * only inside a comment, a new element named by the XPath's last step is inserted at the
 * {@code anchor} (by default, as the last child of the XPath's parent); an existing one gets its
 * text set.
 */
@JsonTypeName("xml.ensure")
public record XmlEnsure(String file, String xpath, String value, Anchor anchor) implements XmlOperation {
}
