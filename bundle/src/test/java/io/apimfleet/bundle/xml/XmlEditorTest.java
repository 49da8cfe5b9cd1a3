package io.apimfleet.bundle.xml;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XmlEditorTest {
    private static final String CARBON = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!-- head comment -->
            <Server xmlns="http://wso2.org/projects/carbon/carbon.xml">
                <Name>Example</Name>

                <!--HostName>www.example.org</HostName-->

                <Ports>
                    <Offset>0</Offset>
                    <Empty/>
                </Ports>
                <Transport name='https' enabled="true"/>
                <Value>a &amp; b</Value>
            </Server>
            """;

    @Test
    void setTextChangesOnlyTheElementContent() throws Exception {
        String out = XmlEditor.setText(CARBON, "/Server/Ports/Offset", "3", false);
        assertThat(out).isEqualTo(CARBON.replace("<Offset>0</Offset>", "<Offset>3</Offset>"));
    }

    @Test
    void setTextMatchesByLocalNameUnderADefaultNamespace() throws Exception {
        assertThat(XmlEditor.setText(CARBON, "//Offset", "1", false)).contains("<Offset>1</Offset>");
    }

    @Test
    void setTextOnASelfClosingElementOpensIt() throws Exception {
        String out = XmlEditor.setText(CARBON, "/Server/Ports/Empty", "x", false);
        assertThat(out).isEqualTo(CARBON.replace("<Empty/>", "<Empty>x</Empty>"));
    }

    @Test
    void setTextEscapesMarkupInTheValue() throws Exception {
        String out = XmlEditor.setText(CARBON, "/Server/Name", "a<b&c", false);
        assertThat(out).contains("<Name>a&lt;b&amp;c</Name>");
    }

    @Test
    void setTextWithTheSameDecodedValueReturnsTheSameText() throws Exception {
        assertThat(XmlEditor.setText(CARBON, "/Server/Value", "a & b", false)).isSameAs(CARBON);
    }

    @Test
    void setTextRefusesAnElementWithChildren() {
        assertThatThrownBy(() -> XmlEditor.setText(CARBON, "/Server/Ports", "x", false))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("has child elements");
    }

    @Test
    void setAttributeKeepsTheQuoteStyle() throws Exception {
        String out = XmlEditor.setAttribute(CARBON, "/Server/Transport", "name", "http", false);
        assertThat(out).isEqualTo(CARBON.replace("name='https'", "name='http'"));
    }

    @Test
    void setAttributeAddsAMissingAttributeAfterTheLastOne() throws Exception {
        String out = XmlEditor.setAttribute(CARBON, "/Server/Transport", "port", "9443", false);
        assertThat(out).isEqualTo(CARBON.replace("enabled=\"true\"/>", "enabled=\"true\" port='9443'/>"));
    }

    @Test
    void anXPathMatchingNothingIsAnErrorNamingIt() {
        assertThatThrownBy(() -> XmlEditor.setText(CARBON, "/Server/Nope", "x", false))
                .isInstanceOf(XmlEditException.class).hasMessage("XPath /Server/Nope matches nothing");
    }

    @Test
    void anXPathMatchingSeveralElementsIsAnErrorUnlessAll() throws Exception {
        String twice = "<a><b>1</b><b>2</b></a>";
        assertThatThrownBy(() -> XmlEditor.setText(twice, "/a/b", "x", false))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("matches 2 elements");
        assertThat(XmlEditor.setText(twice, "/a/b", "x", true)).isEqualTo("<a><b>x</b><b>x</b></a>");
    }

    @Test
    void predicatesSelectByAttributeChildTextAndPosition() throws Exception {
        String doc = "<a><b n='1'><c>x</c></b><b n='2'><c>y</c></b></a>";
        assertThat(XmlEditor.setAttribute(doc, "/a/b[@n='2']", "m", "1", false)).contains("<b n='2' m='1'>");
        assertThat(XmlEditor.setAttribute(doc, "/a/b[c='x']", "m", "1", false)).contains("<b n='1' m='1'>");
        assertThat(XmlEditor.setAttribute(doc, "/a/b[2]", "m", "1", false)).contains("<b n='2' m='1'>");
    }

    @Test
    void notWellFormedXmlIsAnErrorWithLineAndColumn() {
        assertThatThrownBy(() -> XmlEditor.setText("<a>\n<b></a>", "/a", "x", false))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("not well-formed XML at line 2");
    }

    @Test
    void uncommentBringsBackAWso2StyleCommentAsAWellFormedElement() throws Exception {
        String out = XmlEditor.uncomment(CARBON, "/Server/HostName", false);
        assertThat(out).isEqualTo(CARBON.replace("<!--HostName>www.example.org</HostName-->", "<HostName>www.example.org</HostName>"));
        XmlDocument.parse(out);
    }

    @Test
    void uncommentOfAnActiveElementChangesNothing() throws Exception {
        String once = XmlEditor.uncomment(CARBON, "/Server/HostName", false);
        assertThat(XmlEditor.uncomment(once, "/Server/HostName", false)).isSameAs(once);
    }

    @Test
    void uncommentBringsBackASpacedComment() throws Exception {
        String doc = "<a>\n  <!-- <b x=\"1\">v</b> -->\n</a>";
        assertThat(XmlEditor.uncomment(doc, "/a/b[@x='1']", false)).isEqualTo("<a>\n  <b x=\"1\">v</b>\n</a>");
    }

    @Test
    void commentWrapsTheElementAndUncommentRestoresIt() throws Exception {
        String commented = XmlEditor.comment(CARBON, "/Server/Transport[@name='https']", false);
        assertThat(commented).contains("<!--<Transport name='https' enabled=\"true\"/>-->");
        assertThat(XmlEditor.comment(commented, "/Server/Transport[@name='https']", false)).isSameAs(commented);
        assertThat(XmlEditor.uncomment(commented, "/Server/Transport[@name='https']", false)).isEqualTo(CARBON);
    }

    @Test
    void commentOfAnElementMissingEverywhereIsAnError() {
        assertThatThrownBy(() -> XmlEditor.comment(CARBON, "/Server/Missing", false))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("matches nothing, active or commented out");
    }

    @Test
    void ensureInsertsAfterTheAnchorWithItsIndentation() throws Exception {
        String out = XmlEditor.ensure(CARBON, "/Server/MgtHostName", "mgt.example", "/Server/Name", null);
        assertThat(out).isEqualTo(CARBON.replace("<Name>Example</Name>\n",
                "<Name>Example</Name>\n    <MgtHostName>mgt.example</MgtHostName>\n"));
    }

    @Test
    void ensureInsertsAnElementThatIsOnlyCommentedOut() throws Exception {
        String out = XmlEditor.ensure(CARBON, "/Server/HostName", "km1.example", "/Server/Name", null);
        assertThat(out).contains("<!--HostName>www.example.org</HostName-->")
                .contains("    <Name>Example</Name>\n    <HostName>km1.example</HostName>\n");
    }

    @Test
    void ensureInsideAppendsTheLastChildWithTheChildrenIndentation() throws Exception {
        String out = XmlEditor.ensure(CARBON, "/Server/Ports/JMX", "9999", null, null);
        assertThat(out).contains("        <Empty/>\n        <JMX>9999</JMX>\n    </Ports>");
    }

    @Test
    void ensureOfAnExistingElementSetsItAndIsIdempotent() throws Exception {
        String out = XmlEditor.ensure(CARBON, "/Server/Ports/Offset", "2", null, null);
        assertThat(out).isEqualTo(CARBON.replace("<Offset>0</Offset>", "<Offset>2</Offset>"));
        assertThat(XmlEditor.ensure(out, "/Server/Ports/Offset", "2", null, null)).isSameAs(out);
    }

    @Test
    void ensureCarriesTheAttributesOfTheLastStep() throws Exception {
        String out = XmlEditor.ensure("<a>\n  <b/>\n</a>", "/a/c[@name='x']", "v", null, null);
        assertThat(out).isEqualTo("<a>\n  <b/>\n  <c name=\"x\">v</c>\n</a>");
    }

    @Test
    void ensureInsideAnEmptyElementIndentsOneStepDeeper() throws Exception {
        String out = XmlEditor.ensure("<a>\n    <b></b>\n</a>", "/a/b/c", "v", null, null);
        assertThat(out).isEqualTo("<a>\n    <b>\n        <c>v</c>\n    </b>\n</a>");
    }

    @Test
    void ensureWritesTheFilesLineEnding() throws Exception {
        String crlf = "<a>\r\n    <b>1</b>\r\n</a>\r\n";
        assertThat(XmlEditor.ensure(crlf, "/a/c", "2", "/a/b", null)).isEqualTo("<a>\r\n    <b>1</b>\r\n    <c>2</c>\r\n</a>\r\n");
    }

    @Test
    void ensureWithAMissingAnchorIsAnError() {
        assertThatThrownBy(() -> XmlEditor.ensure(CARBON, "/Server/X", "v", "/Server/Nope", null))
                .isInstanceOf(XmlEditException.class).hasMessage("anchor XPath /Server/Nope matches nothing");
    }

    @Test
    void replaceIndentsTheFragmentLikeTheElement() throws Exception {
        String out = XmlEditor.replace(CARBON, "/Server/Ports", "<Ports>\n    <Offset>5</Offset>\n</Ports>", false);
        assertThat(out).contains("    <Ports>\n        <Offset>5</Offset>\n    </Ports>\n    <Transport");
        assertThat(XmlEditor.replace(out, "/Server/Ports", "<Ports>\n    <Offset>5</Offset>\n</Ports>", false)).isSameAs(out);
    }

    @Test
    void replaceRefusesAFragmentThatIsNotOneElement() {
        assertThatThrownBy(() -> XmlEditor.replace(CARBON, "/Server/Ports", "<a/><b/>", false))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("fragment");
    }

    @Test
    void anUnsupportedXPathIsAnError() {
        assertThatThrownBy(() -> XmlEditor.setText(CARBON, "Server/Name", "x", false))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("must start with '/'");
    }

    @Test
    void ensureFragmentInsertsASubtreeIndentedAfterTheAnchor() throws Exception {
        String doc = "<r>\r\n    <dbConfig name=\"a\">\r\n        <x>1</x>\r\n    </dbConfig>\r\n</r>\r\n";
        String fragment = "<dbConfig name=\"shared\">\n    <dataSource>jdbc/REG</dataSource>\n</dbConfig>";
        String out = XmlEditor.ensureFragment(doc, "/r/dbConfig[@name='shared']", fragment, "/r/dbConfig[@name='a']", null);
        assertThat(out).isEqualTo("<r>\r\n    <dbConfig name=\"a\">\r\n        <x>1</x>\r\n    </dbConfig>\r\n"
                + "    <dbConfig name=\"shared\">\r\n        <dataSource>jdbc/REG</dataSource>\r\n    </dbConfig>\r\n</r>\r\n");
        assertThat(XmlEditor.ensureFragment(out, "/r/dbConfig[@name='shared']", fragment, "/r/dbConfig[@name='a']", null)).isSameAs(out);
    }

    @Test
    void ensureFragmentReplacesAnExistingElement() throws Exception {
        String doc = "<r>\n  <m path=\"/c\"><id>old</id></m>\n</r>";
        String out = XmlEditor.ensureFragment(doc, "/r/m[@path='/c']", "<m path=\"/c\"><id>gov</id></m>", null, null);
        assertThat(out).isEqualTo("<r>\n  <m path=\"/c\"><id>gov</id></m>\n</r>");
    }

    @Test
    void ensureFragmentThatWouldNotMatchItsXPathIsRefused() {
        assertThatThrownBy(() -> XmlEditor.ensureFragment("<r><a/></r>", "/r/m[@path='/c']", "<m path=\"/other\"/>", null, null))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("does not match XPath");
    }
}
