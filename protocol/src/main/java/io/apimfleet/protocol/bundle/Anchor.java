package io.apimfleet.protocol.bundle;

/**
 * Where {@link XmlEnsure} inserts a missing element: right {@code after} the element at one XPath,
 * or as the last child {@code inside} the element at another. Exactly one is set.
 */
public record Anchor(String after, String inside) {
    public static Anchor after(String xpath) {
        return new Anchor(xpath, null);
    }

    public static Anchor inside(String xpath) {
        return new Anchor(null, xpath);
    }
}
