package io.apimfleet.bundle.xml;

import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;

/** A well-formed XML text with its elements located; immutable: edits make new documents. */
public final class XmlDocument {
    private final String text;
    private final List<XmlElement> roots;
    private final List<XmlComment> topComments;

    private XmlDocument(String text, List<XmlElement> roots, List<XmlComment> topComments) {
        this.text = text;
        this.roots = roots;
        this.topComments = topComments;
    }

    /** Checks well-formedness (reporting line and column), then locates every element. */
    public static XmlDocument parse(String text) throws XmlSyntaxException {
        checkWellFormed(text);
        XmlScanner scanner = XmlScanner.scan(text);
        return new XmlDocument(text, List.copyOf(scanner.roots()), List.copyOf(scanner.topComments()));
    }

    static void checkWellFormed(String text) throws XmlSyntaxException {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.newSAXParser().parse(new InputSource(new StringReader(text)), new DefaultHandler());
        } catch (SAXParseException e) {
            throw new XmlSyntaxException("not well-formed XML at line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (org.xml.sax.SAXException | ParserConfigurationException | IOException e) {
            throw new XmlSyntaxException("not well-formed XML: " + e.getMessage());
        }
    }

    public String text() {
        return text;
    }

    public List<XmlElement> roots() {
        return roots;
    }

    public List<XmlComment> topComments() {
        return topComments;
    }

    public String lineSeparator() {
        return XmlText.lineSeparator(text);
    }

    /** The document's text with {@code [start, end)} replaced. */
    public String splice(int start, int end, String replacement) {
        return text.substring(0, start) + replacement + text.substring(end);
    }
}
