package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Sets the text of the element at {@code xpath}, or its {@code attribute} when one is named.
 * The XPath must match exactly one element unless {@code all} is true.
 */
@JsonTypeName("xml.set")
public record XmlSet(String file, String xpath, String attribute, String value, boolean all) implements XmlOperation {
    public static XmlSet text(String file, String xpath, String value) {
        return new XmlSet(file, xpath, null, value, false);
    }

    public static XmlSet attribute(String file, String xpath, String attribute, String value) {
        return new XmlSet(file, xpath, attribute, value, false);
    }

    @Override
    public String describe() {
        return XmlOperation.super.describe() + (attribute == null ? "" : " @" + attribute);
    }
}
