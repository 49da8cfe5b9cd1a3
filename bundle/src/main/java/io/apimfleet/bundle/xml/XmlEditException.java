package io.apimfleet.bundle.xml;

/** An edit cannot be made: nothing matches, too much matches, or the element has the wrong shape. */
public final class XmlEditException extends Exception {
    public XmlEditException(String message) {
        super(message);
    }
}
