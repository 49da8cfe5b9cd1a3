package io.apimfleet.protocol.bundle;

import java.util.List;

/** An operation on one element (or elements) of one XML file, found by an XPath. */
public sealed interface XmlOperation extends Operation
        permits XmlSet, XmlEnsure, XmlReplace, XmlComment, XmlUncomment {
    String file();

    String xpath();

    @Override
    default List<String> paths() {
        return List.of(file());
    }

    @Override
    default String describe() {
        return op() + " " + file() + " " + xpath();
    }
}
