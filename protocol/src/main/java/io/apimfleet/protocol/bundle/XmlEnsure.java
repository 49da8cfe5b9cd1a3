package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Makes the element at {@code xpath} exist, either with text {@code value} or as the whole
 * {@code fragment} (one element; for subtrees such as a registry mount). When it is missing, or
 * present only inside a comment, it is inserted at the {@code anchor} (by default, as the last
 * child of the XPath's parent); an existing one gets its text set or is replaced by the fragment.
 * A new element from {@code value} is named by the XPath's last step and carries the attributes
 * of its {@code [@a='v']} predicates.
 */
@JsonTypeName("xml.ensure")
public record XmlEnsure(String file, String xpath, String value, String fragment, Anchor anchor) implements XmlOperation {
    public static XmlEnsure value(String file, String xpath, String value, Anchor anchor) {
        return new XmlEnsure(file, xpath, value, null, anchor);
    }

    public static XmlEnsure fragment(String file, String xpath, String fragment, Anchor anchor) {
        return new XmlEnsure(file, xpath, null, fragment, anchor);
    }
}
