package io.apimfleet.bundle.xml;

/** The text is not well-formed XML, or an XPath is not of the supported form. */
public final class XmlSyntaxException extends Exception {
    public XmlSyntaxException(String message) {
        super(message);
    }
}
