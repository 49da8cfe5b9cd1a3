package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.apimfleet.controller.recipe.ApiManagerXml.*;
import static io.apimfleet.controller.recipe.ApimFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Each step of the distributed-deployment guide, checked by XPath on homes rendered from the real 2.2.0 files. */
class RecipeGuideStepsTest {
    @TempDir
    Path dir;

    private Rendered render(String specName, String node) {
        return Rendered.render(ApimHomes.spec(specName), node, dir.resolve(specName));
    }

    private List<Rendered> renderAll(String specName) {
        ClusterSpec spec = ApimHomes.spec(specName);
        List<Rendered> all = new ArrayList<>();
        for (Node n : spec.nodes()) {
            if (n.role().isApim()) {
                all.add(Rendered.render(spec, n.name(), dir.resolve(specName)));
            }
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void everyNodeNamesItsPortOffsetAndOutsideADoubledRoleItsOwnHostInCarbonXml(String specName) {
        for (Rendered r : renderAll(specName)) {
            Node node = r.spec().node(r.bundle().node()).orElseThrow();
            assertThat(r.text(CARBON, "/Server/Ports/Offset")).isEqualTo(Integer.toString(node.portOffset()));
            if (new Topology(r.spec()).endpointOf(node).isEmpty()) {   // doubled nodes: DoubledRolesTest
                assertThat(r.text(CARBON, "/Server/HostName")).isEqualTo(node.host());
                assertThat(r.text(CARBON, "/Server/MgtHostName")).isEqualTo(node.host());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void everyNodeKeepsOnlyTheWebappsOfItsRole(String specName) {
        for (Rendered r : renderAll(specName)) {
            Role role = r.spec().node(r.bundle().node()).orElseThrow().role();
            List<String> expected = new ArrayList<>(switch (role) {
                case KEY_MANAGER -> List.of("authenticationendpoint", "client-registration#v0.12", "oauth2", "throttle#data#v1", "api#identity#consent-mgt#v1.0");
                case PUBLISHER -> List.of("api#am#publisher#v0.12", "authenticationendpoint", "micro-gateway#v0.9");
                case STORE -> List.of("api#am#store#v0.12", "authenticationendpoint");
                default -> List.of();
            });
            if (r.spec().options().samples() && (role == Role.GATEWAY || role == Role.PUBLISHER)) {
                expected.add("am#sample#pizzashack#v1");
            }
            if (r.spec().options().gatewayAdminApi() && role == Role.GATEWAY) {
                expected.add("api#am#admin#v0.12");
            }
            assertThat(r.apps(WEBAPPS)).as("webapps of %s", r.bundle().node()).containsExactlyInAnyOrderElementsOf(expected);
            List<String> jaggery = switch (role) {
                case PUBLISHER -> List.of("publisher", "admin");
                case STORE -> List.of("store");
                default -> List.of();
            };
            assertThat(r.apps(JAGGERYAPPS)).as("jaggeryapps of %s", r.bundle().node()).containsExactlyInAnyOrderElementsOf(jaggery);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void theWebSocketTransportStaysOnlyOnGatewaysThatWantIt(String specName) {
        for (Rendered r : renderAll(specName)) {
            Role role = r.spec().node(r.bundle().node()).orElseThrow().role();
            if (role == Role.TRAFFIC_MANAGER) {
                continue;   // its axis2.xml (axis2_TM.xml) has no WebSocket senders
            }
            boolean kept = role == Role.GATEWAY && r.spec().options().websocket();
            assertThat(r.active(AXIS2, "/axisconfig/transportSender[@name='ws']")).as("ws sender on %s", r.bundle().node()).hasSize(kept ? 1 : 0);
            assertThat(r.active(AXIS2, "/axisconfig/transportSender[@name='wss']")).hasSize(kept ? 1 : 0);
            assertThat(r.exists(WS_INBOUND)).isEqualTo(kept);
            assertThat(r.exists(WSS_INBOUND)).isEqualTo(kept);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void theKeyManagerServesThriftOnItsOwnHostAndPointsGatewaysAndRevocationAtTheGateway(String specName) {
        Rendered km = render(specName, "km1");
        assertThat(km.text(API_MANAGER, THRIFT_SERVER)).isEqualTo("true");
        assertThat(km.text(API_MANAGER, THRIFT_SERVER_HOST)).isEqualTo(km.spec().node("km1").orElseThrow().host());
        assertThat(km.text(API_MANAGER, DATA_PUBLISHER)).isEqualTo("false");
        String gw = km.spec().node("gw1").orElseThrow().host();
        assertThat(km.text(API_MANAGER, ENVIRONMENTS + "/Environment/ServerURL")).isEqualTo("https://" + gw + ":9443/services/");
        assertThat(km.text(API_MANAGER, REVOKE_URL)).isEqualTo("https://" + gw + ":8243/revoke");
    }

    @Test
    void aSingleKeyManagerIsReachedDirectlyAndADoubledOneThroughItsLoadBalancer() {
        assertThat(render("five-node.yaml", "pub1").text(API_MANAGER, KEY_VALIDATOR_URL)).isEqualTo("https://km1.five.test:9443/services/");
        assertThat(render("seven-node.yaml", "pub1").text(API_MANAGER, KEY_VALIDATOR_URL)).isEqualTo("https://km.seven.test:9443/services/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void thePublisherReachesTheTrafficManagerTheGatewaysAndTheStore(String specName) {
        Rendered pub = render(specName, "pub1");
        String tm = pub.spec().node("tm1").orElseThrow().host();
        String gw = pub.spec().node("gw1").orElseThrow().host();
        assertThat(pub.text(API_MANAGER, RECEIVER_URL_GROUP)).isEqualTo("tcp://" + tm + ":9611");
        assertThat(pub.text(API_MANAGER, AUTH_URL_GROUP)).isEqualTo("ssl://" + tm + ":9711");
        assertThat(pub.text(API_MANAGER, POLICY_DEPLOYER_URL)).isEqualTo("https://" + tm + ":9443/services/");
        assertThat(pub.text(API_MANAGER, ENVIRONMENTS + "/Environment[Name='gw1']/ServerURL")).isEqualTo("https://" + gw + ":9443/services/");
        assertThat(pub.text(API_MANAGER, ENVIRONMENTS + "/Environment[Name='gw1']/GatewayEndpoint"))
                .isEqualTo("http://" + gw + ":8280,https://" + gw + ":8243");
        assertThat(pub.text(API_MANAGER, STORE_DISPLAY_URL)).isEqualTo("true");
        assertThat(pub.text(API_MANAGER, STORE_URL)).isEqualTo("https://" + pub.spec().node("store1").orElseThrow().host() + ":9443/store");
        assertThat(pub.text(API_MANAGER, THRIFT_SERVER)).isEqualTo("false");
        assertThat(pub.text(API_MANAGER, BLOCK_CONDITION)).isEqualTo("false");
        assertThat(pub.text(API_MANAGER, JMS)).isEqualTo("false");
        assertThat(pub.property(JNDI, "connectionfactory.TopicConnectionFactory"))
                .isEqualTo("amqp://admin:" + java.net.URLEncoder.encode(ApimHomes.SECRETS.get("admin-password"), java.nio.charset.StandardCharsets.UTF_8)
                        + "@clientid/carbon?brokerlist='tcp://" + tm + ":5672'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void theStoreTurnsThrottlingSideDutiesOffAndRevokesThroughTheGateway(String specName) {
        Rendered store = render(specName, "store1");
        assertThat(store.text(API_MANAGER, ADVANCED_THROTTLING)).isEqualTo("true");
        assertThat(store.text(API_MANAGER, DATA_PUBLISHER)).isEqualTo("false");
        assertThat(store.text(API_MANAGER, BLOCK_CONDITION)).isEqualTo("false");
        assertThat(store.text(API_MANAGER, JMS)).isEqualTo("false");
        assertThat(store.text(API_MANAGER, THRIFT_SERVER)).isEqualTo("false");
        assertThat(store.text(API_MANAGER, REVOKE_URL)).isEqualTo("https://" + store.spec().node("gw1").orElseThrow().host() + ":8243/revoke");
        assertThat(store.text(API_MANAGER, ENVIRONMENTS + "/Environment[Name='gw1']/Name")).isEqualTo("gw1");
    }

    @Test
    void aGatewayUsesThriftToASingleKeyManagerAndWebServicesToADoubledOne() {
        Rendered single = render("five-node.yaml", "gw1");
        assertThat(single.text(API_MANAGER, KEY_VALIDATOR_CLIENT)).isEqualTo("ThriftClient");
        assertThat(single.text(API_MANAGER, THRIFT_SERVER_HOST)).isEqualTo("km1.five.test");
        assertThat(single.text(API_MANAGER, THRIFT_CLIENT_PORT)).isEqualTo("10397");
        Rendered doubled = render("seven-node.yaml", "gw1");
        assertThat(doubled.text(API_MANAGER, KEY_VALIDATOR_CLIENT)).isEqualTo("WSClient");
        assertThat(doubled.text(API_MANAGER, KEY_VALIDATOR_URL)).isEqualTo("https://km.seven.test:9443/services/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void aGatewayPublishesThrottlingEventsAndListensToTheTrafficManagersBroker(String specName) {
        Rendered gw = render(specName, "gw1");
        String tm = gw.spec().node("tm1").orElseThrow().host();
        assertThat(gw.text(API_MANAGER, RECEIVER_URL_GROUP)).isEqualTo("tcp://" + tm + ":9611");
        assertThat(gw.text(API_MANAGER, AUTH_URL_GROUP)).isEqualTo("ssl://" + tm + ":9711");
        assertThat(gw.text(API_MANAGER, JMS)).isEqualTo("true");
        assertThat(gw.text(API_MANAGER, JMS_TOPIC_FACTORY)).endsWith("brokerlist='tcp://" + tm + ":5672'");
        assertThat(gw.text(API_MANAGER, POLICY_DEPLOYER)).isEqualTo("false");
        assertThat(gw.text(API_MANAGER, THRIFT_SERVER)).isEqualTo("false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void theTrafficManagerRunsOnItsOwnRegistryAndAxis2WithIndexingAndThriftOff(String specName) throws Exception {
        Rendered tm = render(specName, "tm1");
        Path shipped = ApimHomes.real220().resolve("repository/conf");
        assertThat(tm.exists(REGISTRY_TM)).isFalse();
        assertThat(tm.exists(AXIS2_TM)).isFalse();
        assertThat(tm.read(AXIS2)).isEqualTo(new String(java.nio.file.Files.readAllBytes(shipped.resolve("axis2/axis2_TM.xml")), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(tm.read(REGISTRY)).contains("<startIndexing>false</startIndexing>")
                .isEqualTo(new String(java.nio.file.Files.readAllBytes(shipped.resolve("registry_TM.xml")), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .replace("<startIndexing>true</startIndexing>", "<startIndexing>false</startIndexing>"));
        assertThat(tm.text(API_MANAGER, THRIFT_SERVER)).isEqualTo("false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void sharedDatabasesGoWhereTheRoleUsesThemAndTheCarbonDatabaseStaysLocal(String specName) {
        for (Rendered r : renderAll(specName)) {
            Role role = r.spec().node(r.bundle().node()).orElseThrow().role();
            boolean apim = role == Role.KEY_MANAGER || role == Role.PUBLISHER || role == Role.STORE;
            boolean registry = role == Role.PUBLISHER || role == Role.STORE;
            String ds = "/datasources-configuration/datasources/datasource";
            assertThat(r.text(DATASOURCES, ds + "[name='WSO2_CARBON_DB']/definition/configuration/url")).startsWith("jdbc:h2:");
            assertThat(r.text(DATASOURCES, ds + "[name='WSO2AM_DB']/definition/configuration/url"))
                    .isEqualTo(apim ? r.spec().databases().apimgt().url() : "jdbc:h2:repository/database/WSO2AM_DB;DB_CLOSE_ON_EXIT=FALSE");
            if (apim) {
                assertThat(r.text(DATASOURCES, ds + "[name='WSO2AM_DB']/definition/configuration/password")).isEqualTo(ApimHomes.SECRETS.get("apimgt-db"));
                assertThat(r.text(DATASOURCES, ds + "[name='WSO2UM_DB']/jndiConfig/name")).isEqualTo("jdbc/WSO2UM_DB");
                assertThat(r.text(USER_MGT, "/UserManager/Realm/Configuration/Property[@name='dataSource']")).isEqualTo("jdbc/WSO2UM_DB");
            } else {
                assertThat(r.active(DATASOURCES, ds + "[name='WSO2UM_DB']")).isEmpty();
            }
            assertThat(r.active(DATASOURCES, ds + "[name='WSO2REG_DB']")).hasSize(registry ? 1 : 0);
            assertThat(r.active(REGISTRY, "/wso2registry/mount[@path='/_system/config']/instanceId")).hasSize(registry ? 1 : 0);
            assertThat(r.active(REGISTRY, "/wso2registry/mount[@path='/_system/governance']/targetPath")).hasSize(registry ? 1 : 0);
            if (registry) {
                assertThat(r.text(REGISTRY, "/wso2registry/remoteInstance[id='gov']/dbConfig")).isEqualTo("govregistry");
                assertThat(r.text(REGISTRY, "/wso2registry/dbConfig[@name='govregistry']/dataSource")).isEqualTo("jdbc/WSO2REG_DB");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml"})
    void everyNodeGetsTheClustersAdminCredentials(String specName) {
        for (Rendered r : renderAll(specName)) {
            assertThat(r.text(USER_MGT, "/UserManager/Realm/Configuration/AdminUser/UserName")).isEqualTo("admin");
            assertThat(r.text(USER_MGT, "/UserManager/Realm/Configuration/AdminUser/Password")).isEqualTo(ApimHomes.SECRETS.get("admin-password"));
        }
    }

    @Test
    void jwtGenerationIsTurnedOnForGatewaysAndKeyManagersTogether() {
        assertThat(render("seven-node.yaml", "gw1").text(API_MANAGER, JWT_GENERATION)).isEqualTo("true");
        assertThat(render("seven-node.yaml", "km2").text(API_MANAGER, JWT_GENERATION)).isEqualTo("true");
        assertThat(render("seven-node.yaml", "pub1").active(API_MANAGER, JWT_GENERATION)).isEmpty();
        assertThat(render("five-node.yaml", "gw1").active(API_MANAGER, JWT_GENERATION)).isEmpty();
    }

    @Test
    void theStartCommandCarriesTheRolesProfileAndHeap() {
        ClusterSpec spec = ApimHomes.spec("seven-node.yaml");
        for (Node node : spec.nodes()) {
            if (!node.role().isApim()) {
                continue;
            }
            var process = Recipes.bundle(spec, node.name(), 1, jar -> java.util.Optional.empty()).bundle().process();
            String profile = switch (node.role()) {
                case KEY_MANAGER -> "api-key-manager";
                case PUBLISHER -> "api-publisher";
                case STORE -> "api-store";
                case TRAFFIC_MANAGER -> "traffic-manager";
                default -> "gateway-worker";
            };
            assertThat(process.command()).containsExactly("sh", "bin/wso2server.sh", "-Dprofile=" + profile);
            assertThat(process.environment()).containsEntry("JVM_MEM_OPTS", "-Xms1g -Xmx1g");
        }
    }

    @Test
    void theDriverJarGoesToComponentsLib() throws Exception {
        Path jar = java.nio.file.Files.writeString(dir.resolve("driver.jar"), "driver bytes");
        ClusterSpec base = ApimHomes.spec("five-node.yaml");
        ClusterSpec spec = new ClusterSpec(base.apiVersion(), base.cluster(), base.product(), base.admin(),
                new io.apimfleet.controller.spec.Databases(jar.toString(), base.databases().apimgt(), base.databases().usermgt(), base.databases().registry()),
                base.nodes(), base.loadBalancer(), base.jvm(), base.options(), base.rollout());
        var bundle = Recipes.bundle(spec, "km1", 1, Recipes.DriverJars.fromDisk());
        assertThat(bundle.warnings()).isEmpty();
        assertThat(bundle.bundle().operations()).anySatisfy(op -> assertThat(op.paths()).containsExactly("repository/components/lib/driver.jar"));
    }
}
