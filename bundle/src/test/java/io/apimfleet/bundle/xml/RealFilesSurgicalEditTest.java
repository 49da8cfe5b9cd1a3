package io.apimfleet.bundle.xml;

import io.apimfleet.bundle.Homes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Property-style checks on the real API-M 2.2.0 files: for every element an edit can reach,
 * the text before and after the edited element is identical to the original's.
 */
class RealFilesSurgicalEditTest {
    private static Path conf;

    @BeforeAll
    static void locateFixtures() {
        conf = Homes.real220().resolve("repository/conf");
    }

    private static String read(String file) throws Exception {
        // ISO-8859-1 maps bytes to chars one to one, so string identity here is byte identity.
        return new String(Files.readAllBytes(conf.resolve(file)), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"carbon.xml", "api-manager.xml", "axis2/axis2.xml", "axis2/axis2_TM.xml", "registry.xml",
            "registry_TM.xml", "user-mgt.xml", "datasources/master-datasources.xml", "tomcat/catalina-server.xml",
            "identity/identity.xml", "broker.xml"})
    void settingAnyLeafElementChangesOnlyItsContent(String file) throws Exception {
        String original = read(file);
        XmlDocument doc = XmlDocument.parse(original);
        List<XmlElement> leaves = new ArrayList<>();
        doc.roots().forEach(r -> collect(r, leaves));
        int edited = 0;
        for (XmlElement e : leaves) {
            if (!e.children().isEmpty()) {
                continue;
            }
            String out = XmlEditor.setText(original, pathOf(e), "fleet-value-" + edited, false);
            int tail = original.length() - e.endTagStart();
            assertThat(out.substring(0, e.selfClosing() ? e.start() : e.startTagEnd()))
                    .isEqualTo(original.substring(0, e.selfClosing() ? e.start() : e.startTagEnd()));
            assertThat(out.substring(out.length() - (e.selfClosing() ? original.length() - e.end() : tail)))
                    .isEqualTo(original.substring(e.selfClosing() ? e.end() : e.endTagStart()));
            assertThat(out).contains("fleet-value-" + edited);
            edited++;
        }
        assertThat(edited).as("leaf elements edited in %s", file).isGreaterThan(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"carbon.xml", "api-manager.xml", "axis2/axis2.xml", "registry.xml", "user-mgt.xml"})
    void settingAnyAttributeChangesOnlyItsValue(String file) throws Exception {
        String original = read(file);
        XmlDocument doc = XmlDocument.parse(original);
        List<XmlElement> all = new ArrayList<>();
        doc.roots().forEach(r -> collect(r, all));
        for (XmlElement e : all) {
            for (XmlElement.Attribute a : e.attributes()) {
                if (a.name().startsWith("xmlns")) {
                    continue;
                }
                String out = XmlEditor.setAttribute(original, pathOf(e), a.name(), "fleet", false);
                assertThat(out.substring(0, a.valueStart())).isEqualTo(original.substring(0, a.valueStart()));
                assertThat(out.substring(a.valueStart() + "fleet".length())).isEqualTo(original.substring(a.valueEnd()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"carbon.xml", "api-manager.xml", "axis2/axis2.xml", "registry.xml"})
    void commentingAnyElementWrapsItAndUncommentingRestoresTheOriginal(String file) throws Exception {
        String original = read(file);
        XmlDocument doc = XmlDocument.parse(original);
        List<XmlElement> all = new ArrayList<>();
        doc.roots().forEach(r -> r.children().forEach(c -> collect(c, all)));
        int done = 0;
        for (XmlElement e : all) {
            String body = original.substring(e.start(), e.end());
            String byName = pathOf(e.parent()) + "/" + e.localName();
            if (body.contains("--") || XPath.compile(byName).select(doc).size() != 1
                    || !XPath.compile(byName).selectCommented(doc).isEmpty()) {
                continue;   // the comment could not be told from its namesakes by name alone
            }
            String commented = XmlEditor.comment(original, pathOf(e), false);
            assertThat(commented).isEqualTo(original.substring(0, e.start()) + "<!--" + body + "-->" + original.substring(e.end()));
            assertThat(XmlEditor.uncomment(commented, byName, false)).isEqualTo(original);
            done++;
        }
        assertThat(done).isGreaterThan(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"carbon.xml", "api-manager.xml", "axis2/axis2.xml", "user-mgt.xml", "identity/identity.xml"})
    void uncommentingAnyCommentedElementChangesOnlyThatComment(String file) throws Exception {
        String original = read(file);
        XmlDocument doc = XmlDocument.parse(original);
        List<XmlComment> held = new ArrayList<>();
        doc.roots().forEach(r -> collectComments(r, held));
        for (XmlComment c : held) {
            XmlElement parent = enclosing(doc, c);
            String path = pathOf(parent) + "/" + c.element().localName();
            List<XmlElement> candidates = XPath.compile(path).selectCommented(doc);
            if (candidates.size() != 1 || !XPath.compile(path).select(doc).isEmpty()) {
                continue;   // several commented siblings of one name: not addressable by name alone
            }
            String out = XmlEditor.uncomment(original, path, false);
            assertThat(out).isEqualTo(original.substring(0, c.start()) + c.fragment() + original.substring(c.end()));
            XmlDocument.parse(out);
        }
    }

    @Test
    void uncommentingHostNameInCarbonXmlLeavesEveryOtherByte() throws Exception {
        String original = read("carbon.xml");
        String out = XmlEditor.uncomment(original, "/Server/HostName", false);
        assertThat(out).isEqualTo(original.replace("<!--HostName>www.wso2.org</HostName-->", "<HostName>www.wso2.org</HostName>"));
    }

    @Test
    void settingEnableThriftServerInApiManagerXmlLeavesEveryOtherByte() throws Exception {
        String original = read("api-manager.xml");
        String out = XmlEditor.setText(original, "/APIManager/APIKeyValidator/EnableThriftServer", "false", false);
        assertThat(out).isEqualTo(original.replace("<EnableThriftServer>true</EnableThriftServer>", "<EnableThriftServer>false</EnableThriftServer>"));
    }

    @Test
    void commentingOutTheWsSenderInAxis2XmlLeavesEveryOtherByte() throws Exception {
        String original = read("axis2/axis2.xml");
        int start = original.indexOf("<transportSender name=\"ws\"");
        int end = original.indexOf("</transportSender>", start) + "</transportSender>".length();
        String out = XmlEditor.comment(original, "/axisconfig/transportSender[@name='ws']", false);
        assertThat(out).isEqualTo(original.substring(0, start) + "<!--" + original.substring(start, end) + "-->" + original.substring(end));
    }

    @Test
    void ensuringAnElementInTheCrlfRegistryXmlWritesCrlfAndLeavesEveryOtherByte() throws Exception {
        String original = read("registry.xml");
        String anchor = "        <dataSource>jdbc/WSO2CarbonDB</dataSource>\r\n";
        String out = XmlEditor.ensure(original, "/wso2registry/dbConfig[@name='wso2registry']/maxActive", "50", null, null);
        assertThat(out).isEqualTo(original.replace(anchor, anchor.replace("\r\n", "") + "\r\n        <maxActive>50</maxActive>\r\n"));
        assertThat(out.replace("\r\n", "")).doesNotContain("\n");
    }

    @Test
    void anXPathMatchingBothWebSocketSendersOfAxis2XmlIsAnErrorUnlessAll() throws Exception {
        String original = read("axis2/axis2.xml");
        String both = "/axisconfig/transportSender[@class='org.wso2.carbon.websocket.transport.WebsocketTransportSender']";
        assertThatThrownBy(() -> XmlEditor.comment(original, both, false))
                .isInstanceOf(XmlEditException.class).hasMessageContaining("matches 2 elements");
        String out = XmlEditor.comment(original, both, true);
        assertThat(XPath.compile(both).select(XmlDocument.parse(out))).isEmpty();
        assertThat(XPath.compile(both).selectCommented(XmlDocument.parse(out))).hasSize(2);
    }

    @Test
    void theHttpsSenderInsideAnOldCommentBlockIsNotActive() throws Exception {
        XmlDocument doc = XmlDocument.parse(read("axis2/axis2.xml"));
        assertThat(XPath.compile("/axisconfig/transportSender[@name='https']").select(doc)).hasSize(1);
    }

    private static void collect(XmlElement e, List<XmlElement> out) {
        out.add(e);
        e.children().forEach(c -> collect(c, out));
    }

    private static void collectComments(XmlElement e, List<XmlComment> out) {
        e.comments().stream().filter(XmlComment::holdsElement).forEach(out::add);
        e.children().forEach(c -> collectComments(c, out));
    }

    private static XmlElement enclosing(XmlDocument doc, XmlComment comment) {
        List<XmlElement> all = new ArrayList<>();
        doc.roots().forEach(r -> collect(r, all));
        return all.stream().filter(e -> e.comments().contains(comment)).findFirst().orElseThrow();
    }

    /** An XPath that names exactly this element, by position among same-named siblings. */
    static String pathOf(XmlElement e) {
        StringBuilder path = new StringBuilder();
        for (XmlElement at = e; at != null; at = at.parent()) {
            XmlElement self = at;
            int index = 1;
            if (at.parent() != null) {
                index = at.parent().children().stream().filter(c -> c.localName().equals(self.localName())).toList().indexOf(at) + 1;
            }
            path.insert(0, "/" + at.localName() + "[" + index + "]");
        }
        return path.toString();
    }
}
