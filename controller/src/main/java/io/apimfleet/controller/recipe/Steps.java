package io.apimfleet.controller.recipe;

import io.apimfleet.protocol.bundle.Anchor;
import io.apimfleet.protocol.bundle.DirPrune;
import io.apimfleet.protocol.bundle.FileDelete;
import io.apimfleet.protocol.bundle.FileMove;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.KeystoreOperation;
import io.apimfleet.protocol.bundle.Operation;
import io.apimfleet.protocol.bundle.PropertiesSet;
import io.apimfleet.protocol.bundle.XmlComment;
import io.apimfleet.protocol.bundle.XmlEnsure;
import io.apimfleet.protocol.bundle.XmlReplace;
import io.apimfleet.protocol.bundle.XmlSet;
import io.apimfleet.protocol.bundle.XmlUncomment;

import java.util.ArrayList;
import java.util.List;

/** The operations of a recipe, in order, written so that one role reads as one list of guide steps. */
final class Steps {
    private final List<Operation> operations = new ArrayList<>();

    /** Edits of one XML file. */
    final class Xml {
        private final String file;

        private Xml(String file) {
            this.file = file;
        }

        Xml set(String xpath, String value) {
            operations.add(XmlSet.text(file, xpath, value));
            return this;
        }

        Xml setAll(String xpath, String value) {
            operations.add(new XmlSet(file, xpath, null, value, true));
            return this;
        }

        Xml attribute(String xpath, String attribute, String value) {
            operations.add(XmlSet.attribute(file, xpath, attribute, value));
            return this;
        }

        Xml attributeAll(String xpath, String attribute, String value) {
            operations.add(new XmlSet(file, xpath, attribute, value, true));
            return this;
        }

        /** Uncomments an element the product ships commented out, then sets it. */
        Xml enable(String xpath, String value) {
            operations.add(new XmlUncomment(file, xpath, false));
            return set(xpath, value);
        }

        Xml comment(String xpath) {
            operations.add(new XmlComment(file, xpath, false));
            return this;
        }

        /** Replaces the one element at {@code xpath} by {@code fragment}. */
        Xml replace(String xpath, String fragment) {
            operations.add(new XmlReplace(file, xpath, fragment, false));
            return this;
        }

        Xml ensure(String xpath, String fragment, Anchor anchor) {
            operations.add(XmlEnsure.fragment(file, xpath, fragment, anchor));
            return this;
        }
    }

    Xml xml(String file) {
        return new Xml(file);
    }

    Steps property(String file, String key, String value) {
        operations.add(new PropertiesSet(file, key, value));
        return this;
    }

    Steps move(String from, String to) {
        operations.add(new FileMove(from, to));
        return this;
    }

    Steps delete(String path) {
        operations.add(new FileDelete(path));
        return this;
    }

    Steps prune(String dir, List<String> keep) {
        operations.add(new DirPrune(dir, keep));
        return this;
    }

    Steps keystore(KeystoreOperation operation) {
        operations.add(operation);
        return this;
    }

    Steps write(FileWrite write) {
        operations.add(write);
        return this;
    }

    List<Operation> operations() {
        return List.copyOf(operations);
    }
}
