package io.apimfleet.bundle.xml;

/**
 * A comment in a scanned document. When its body is exactly one well-formed element, in either
 * style ({@code <!-- <X>..</X> -->} or WSO2's {@code <!--X>..</X-->}), {@link #element()} is
 * that element, scanned from {@link #fragment()}.
 */
public record XmlComment(int start, int end, String fragment, XmlElement element) {
    public boolean holdsElement() {
        return element != null;
    }
}
