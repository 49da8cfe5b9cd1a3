package io.apimfleet.standin.config;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One API-M XML file, read-only, walked by local names: carbon.xml and identity.xml carry a default
 * namespace, the others none, and the product itself matches by element name.
 */
final class ConfXml {
    private final Path file;
    private final Element root;

    private ConfXml(Path file, Element root) {
        this.file = file;
        this.root = root;
    }

    static ConfXml read(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // Config files are local and trusted, but they never need a DTD: refuse external ones.
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(file.toFile());
            return new ConfXml(file, doc.getDocumentElement());
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new ConfigException(file + " is not well-formed XML: " + e.getMessage(), e);
        }
    }

    static Optional<ConfXml> readIfPresent(Path file) {
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }

    Path file() {
        return file;
    }

    Element root() {
        return root;
    }

    /** The trimmed text at a path of local names below the root (the root's own name left out). */
    Optional<String> text(String... path) {
        return element(root, path).map(e -> e.getTextContent().trim());
    }

    static Optional<Element> element(Element from, String... path) {
        Element current = from;
        for (String name : path) {
            Optional<Element> next = children(current, name).stream().findFirst();
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName(e).equals(localName)) {
                out.add(e);
            }
        }
        return out;
    }

    static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getNodeName();
    }

    /** All elements named so anywhere below {@code from}, in document order. */
    static List<Element> descendants(Element from, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = from.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (localName(e).equals(localName)) {
                    out.add(e);
                }
                out.addAll(descendants(e, localName));
            }
        }
        return out;
    }
}
