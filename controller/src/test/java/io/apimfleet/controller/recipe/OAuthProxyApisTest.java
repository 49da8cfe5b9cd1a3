package io.apimfleet.controller.recipe;

import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.xml.XPath;
import io.apimfleet.bundle.xml.XmlDocument;
import io.apimfleet.bundle.xml.XmlElement;
import io.apimfleet.bundle.xml.XmlSyntaxException;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.bundle.Bundle;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's OAuth proxy APIs ({@code /token}, {@code /revoke}, {@code /authorize},
 * {@code /userinfo}) reach the key manager at {@code keyManager.hostname}/{@code keyManager.port},
 * which API-M 2.2.0 derives at start from {@code APIKeyValidator/ServerURL} (MANIFEST.md, "OAuth
 * proxy APIs and the Key Manager"). So the recipe leaves the four files alone and makes that URL
 * reach the key manager.
 */
class OAuthProxyApisTest {
    private static final String API_DIR = "repository/deployment/server/synapse-configs/default/api/";
    private static final List<String> PROXY_APIS = List.of("_TokenAPI_.xml", "_RevokeAPI_.xml", "_AuthorizeAPI_.xml",
            "_UserInfoAPI_.xml");
    private static final String KEY_VALIDATOR = "/APIManager/APIKeyValidator/";

    @TempDir
    Path dir;

    /** Every gateway of every test spec. */
    static Stream<Arguments> gateways() {
        return Stream.of(
                Arguments.of("five-node.yaml", "gw1"),
                Arguments.of("seven-node.yaml", "gw1"),
                Arguments.of("one-host-offsets.yaml", "gw-a"),
                Arguments.of("one-host-offsets.yaml", "gw-b"));
    }

    /** The gateways whose cluster has a single key manager (the Thrift client case). */
    static Stream<Arguments> gatewaysOfASingleKeyManager() {
        return gateways().filter(a -> !ApimHomes.spec((String) a.get()[0]).isDoubled(Role.KEY_MANAGER));
    }

    /** The gateways whose key managers are doubled behind the load balancer. */
    static Stream<Arguments> gatewaysOfDoubledKeyManagers() {
        return gateways().filter(a -> ApimHomes.spec((String) a.get()[0]).isDoubled(Role.KEY_MANAGER));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("gateways")
    void theFourProxyApisAreLeftByteIdentical(String specName, String gateway) throws IOException {
        Path home = render(specName, gateway);
        Path real = ApimHomes.real220();

        for (String api : PROXY_APIS) {
            assertThat(home.resolve(API_DIR + api)).as(api).hasSameBinaryContentAs(real.resolve(API_DIR + api));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("gateways")
    void theProxyApisStillTakeTheKeyManagerHostAndPortFromItsSynapseProperties(String specName, String gateway) {
        Path home = render(specName, gateway);

        for (String api : PROXY_APIS) {
            String source = read(home.resolve(API_DIR + api));
            XmlDocument doc = parse(source);
            assertThat(attribute(doc, "//property[@name='uri.var.hostname']", "expression")).as(api)
                    .isEqualTo("get-property('keyManager.hostname')");
            assertThat(attribute(doc, "//property[@name='uri.var.portnum']", "expression")).as(api)
                    .isEqualTo("get-property('keyManager.port')");
            assertThat(attribute(doc, "//endpoint/http", "uri-template")).as(api)
                    .startsWith("https://{uri.var.hostname}:{uri.var.portnum}/oauth2/");
            assertThat(select(doc, "/api/handlers/handler[@class='org.wso2.carbon.apimgt.gateway.handlers.common.SynapsePropertiesHandler']"))
                    .as("%s sets keyManager.* from the system properties", api).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("gateways")
    void theKeyValidatorUrlIsAnAbsoluteHttpsUrlWithAnExplicitHostAndPort(String specName, String gateway) {
        URI url = keyValidatorUrl(render(specName, gateway));

        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getHost()).isNotBlank().isNotEqualTo("localhost").doesNotContain("${");
        assertThat(url.getPort()).as("explicit port (else API-M falls back to 443)").isPositive();
        assertThat(url.toString()).doesNotContain("${");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("gatewaysOfASingleKeyManager")
    void aSingleKeyManagerIsReachedAtItsHostOnItsOwnServletPort(String specName, String gateway) {
        Node keyManager = ApimHomes.spec(specName).nodesWithRole(Role.KEY_MANAGER).get(0);

        URI url = keyValidatorUrl(render(specName, gateway));

        assertThat(url.getHost()).isEqualTo(keyManager.host());
        assertThat(url.getPort()).isEqualTo(9443 + keyManager.portOffset());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("gatewaysOfDoubledKeyManagers")
    void doubledKeyManagersAreReachedThroughTheirLoadBalancerEndpoint(String specName, String gateway) {
        Endpoint endpoint = ApimHomes.spec(specName).endpoint(Role.KEY_MANAGER).orElseThrow();

        URI url = keyValidatorUrl(render(specName, gateway));

        assertThat(url.getHost()).isEqualTo(endpoint.host());
        assertThat(url.getPort()).isEqualTo(endpoint.port());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("gatewaysOfASingleKeyManager")
    void theThriftClientDialsTheKeyManagerHostAtItsOffsetThriftPort(String specName, String gateway) {
        Node keyManager = ApimHomes.spec(specName).nodesWithRole(Role.KEY_MANAGER).get(0);

        Path home = render(specName, gateway);

        assertThat(apiManagerText(home, KEY_VALIDATOR + "ThriftServerHost")).isEqualTo(keyManager.host());
        assertThat(apiManagerText(home, KEY_VALIDATOR + "ThriftClientPort")).isEqualTo(Integer.toString(10397 + keyManager.portOffset()));
    }

    // ---- helpers ----

    /** The gateway's bundle applied to a fresh copy of the real home, with its state outside it. */
    private Path render(String specName, String gateway) {
        ClusterSpec spec = ApimHomes.spec(specName);
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));
        Bundle bundle = Recipes.bundle(spec, gateway, 1, jar -> Optional.empty()).bundle();
        new BundleApplier(home, dir.resolve("state"), ApimHomes.secrets()).apply(bundle);
        return home;
    }

    private static URI keyValidatorUrl(Path home) {
        return URI.create(apiManagerText(home, KEY_VALIDATOR + "ServerURL"));
    }

    /** The text of the one active element at {@code xpath} in api-manager.xml. */
    private static String apiManagerText(Path home, String xpath) {
        String source = read(home.resolve(ApimFiles.API_MANAGER));
        List<XmlElement> found = select(parse(source), xpath);
        assertThat(found).as("active %s in api-manager.xml", xpath).hasSize(1);
        return found.get(0).text(source).strip();
    }

    private static String attribute(XmlDocument doc, String xpath, String attribute) {
        List<XmlElement> found = select(doc, xpath);
        assertThat(found).as(xpath).hasSize(1);
        return found.get(0).attribute(attribute).map(XmlElement.Attribute::value).orElse(null);
    }

    private static List<XmlElement> select(XmlDocument doc, String xpath) {
        try {
            return XPath.compile(xpath).select(doc);
        } catch (XmlSyntaxException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static XmlDocument parse(String source) {
        try {
            return XmlDocument.parse(source);
        } catch (XmlSyntaxException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
