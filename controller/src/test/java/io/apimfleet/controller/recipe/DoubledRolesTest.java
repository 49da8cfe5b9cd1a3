package io.apimfleet.controller.recipe;

import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.LoadBalancer;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.bundle.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.apimfleet.controller.recipe.ApiManagerXml.JMS_TOPIC_FACTORY;
import static io.apimfleet.controller.recipe.ApiManagerXml.RECEIVER_URL_GROUP;
import static io.apimfleet.controller.recipe.ApiManagerXml.THRIFT_SERVER_HOST;
import static io.apimfleet.controller.recipe.ApimFiles.API_MANAGER;
import static io.apimfleet.controller.recipe.ApimFiles.AXIS2;
import static io.apimfleet.controller.recipe.ApimFiles.CARBON;
import static io.apimfleet.controller.recipe.ApimFiles.CATALINA;
import static io.apimfleet.controller.recipe.DoubledRoles.CLUSTERING;
import static io.apimfleet.controller.recipe.DoubledRoles.HOST_NAME;
import static io.apimfleet.controller.recipe.DoubledRoles.HTTPS_CONNECTOR;
import static io.apimfleet.controller.recipe.DoubledRoles.MEMBERS;
import static io.apimfleet.controller.recipe.DoubledRoles.MGT_HOST_NAME;
import static io.apimfleet.controller.recipe.DoubledRoles.parameter;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes of a doubled key manager, publisher or store present themselves under their load-balancer
 * endpoint and cluster with their twins; every other node keeps its own name, no proxy and no
 * cluster. Rendered on the real 2.2.0 files: seven-node.yaml doubles the key manager
 * (km.seven.test:9443) and the publisher (pub.seven.test:9444); doubled-twins.yaml puts two key
 * managers on one host and gives the two stores bind addresses.
 */
class DoubledRolesTest {
    private static final String HTTP_CONNECTOR = "/Server/Service/Connector[@port='9763']";

    @TempDir
    Path dir;

    private Rendered render(String specName, String node) {
        return Rendered.render(ApimHomes.spec(specName), node, dir.resolve(specName));
    }

    /** The well-known members as {@code host:port}, in document order. */
    private static List<String> members(Rendered r) {
        List<String> members = new ArrayList<>();
        for (int i = 1; i <= r.active(AXIS2, MEMBERS + "/member").size(); i++) {
            String member = MEMBERS + "/member[" + i + "]";
            members.add(r.text(AXIS2, member + "/hostName") + ":" + r.text(AXIS2, member + "/port"));
        }
        return members;
    }

    @Test
    void aDoubledKeyManagerNamesItsEndpointHostAsHostNameAndMgtHostName() {
        Rendered km1 = render("seven-node.yaml", "km1");

        assertThat(km1.text(CARBON, HOST_NAME)).isEqualTo("km.seven.test");
        assertThat(km1.text(CARBON, MGT_HOST_NAME)).isEqualTo("km.seven.test");
    }

    @Test
    void aDoubledPublishersHttpsConnectorCarriesItsEndpointAsProxyNameAndProxyPort() {
        Rendered pub2 = render("seven-node.yaml", "pub2");

        assertThat(pub2.attribute(CATALINA, HTTPS_CONNECTOR, "proxyName")).isEqualTo("pub.seven.test");
        assertThat(pub2.attribute(CATALINA, HTTPS_CONNECTOR, "proxyPort")).isEqualTo("9444");
    }

    @Test
    void aDoubledNodesHttpConnectorGetsNoProxyPortAsNoEndpointServesHttp() {
        Rendered pub1 = render("seven-node.yaml", "pub1");

        assertThat(pub1.attribute(CATALINA, HTTP_CONNECTOR, "proxyPort")).isNull();
        assertThat(pub1.attribute(CATALINA, HTTP_CONNECTOR, "proxyName")).isNull();
    }

    @Test
    void aDoubledKeyManagerClustersWithBothTwinsByWellKnownAddress() {
        Rendered km1 = render("seven-node.yaml", "km1");

        assertThat(km1.attribute(AXIS2, CLUSTERING, "enable")).isEqualTo("true");
        assertThat(km1.text(AXIS2, parameter("membershipScheme"))).isEqualTo("wka");
        assertThat(km1.text(AXIS2, parameter("localMemberHost"))).isEqualTo("km1.seven.test");
        assertThat(km1.text(AXIS2, parameter("localMemberPort"))).isEqualTo("4000");
        assertThat(members(km1)).containsExactly("km1.seven.test:4000", "km2.seven.test:4000");
    }

    @Test
    void eachDoubledRoleClustersInADomainOfItsOwn() {
        String keyManagers = render("seven-node.yaml", "km2").text(AXIS2, parameter("domain"));
        String publishers = render("seven-node.yaml", "pub1").text(AXIS2, parameter("domain"));

        assertThat(keyManagers).isEqualTo("wso2.apim.key-manager.domain");
        assertThat(publishers).isEqualTo("wso2.apim.publisher.domain");
    }

    @Test
    void twinsSharingAHostListenForTheClusterAtPortsApartByTheirOffsets() {
        Rendered kmB = render("doubled-twins.yaml", "km-b");

        assertThat(kmB.text(AXIS2, parameter("localMemberPort"))).isEqualTo("4001");
        assertThat(members(kmB)).containsExactly("apim.twins.test:4000", "apim.twins.test:4001");
    }

    @Test
    void twinsWithBindAddressesAreClusterMembersAtThoseAddresses() {
        Rendered storeA = render("doubled-twins.yaml", "store-a");

        assertThat(storeA.text(AXIS2, parameter("localMemberHost"))).isEqualTo("192.0.2.11");
        assertThat(members(storeA)).containsExactly("192.0.2.11:4000", "192.0.2.12:4000");
    }

    @Test
    void aDoubledKeyManagerKeepsItsThriftServerOnItsOwnAddressNotOnTheEndpoint() {
        Rendered km2 = render("seven-node.yaml", "km2");

        assertThat(km2.text(API_MANAGER, THRIFT_SERVER_HOST)).isEqualTo("km2.seven.test");
    }

    @Test
    void aSinglePublisherKeepsItsOwnHostNoProxyAndClusteringOff() {
        Rendered pub1 = render("five-node.yaml", "pub1");

        assertThat(pub1.text(CARBON, HOST_NAME)).isEqualTo("pub1.five.test");
        assertThat(pub1.attribute(CATALINA, HTTPS_CONNECTOR, "proxyPort")).isEqualTo(DoubledRoles.NO_PROXY_PORT);
        assertThat(pub1.attribute(CATALINA, HTTPS_CONNECTOR, "proxyName")).isEqualTo(DoubledRoles.NO_PROXY_NAME);
        assertThat(pub1.attribute(AXIS2, CLUSTERING, "enable")).isEqualTo("false");
    }

    @Test
    void aTrafficManagerPairIsNeitherProxiedNorClustered() {
        Rendered tmA = render("doubled-twins.yaml", "tm-a");

        assertThat(tmA.text(CARBON, HOST_NAME)).isEqualTo("tm-a.twins.test");
        assertThat(tmA.attribute(CATALINA, HTTPS_CONNECTOR, "proxyPort")).isNull();
        assertThat(tmA.attribute(AXIS2, CLUSTERING, "enable")).isEqualTo("false");
    }

    @Test
    void aGatewayReachesATrafficManagerPairThroughWso2sFailoverFormsNotTheLoadBalancer() {
        Rendered gw = render("doubled-twins.yaml", "gw");

        assertThat(gw.text(API_MANAGER, RECEIVER_URL_GROUP)).isEqualTo("{tcp://tm-a.twins.test:9611},{tcp://tm-b.twins.test:9611}");
        assertThat(gw.text(API_MANAGER, JMS_TOPIC_FACTORY)).contains("failover='roundrobin'")
                .contains("brokerlist='tcp://tm-a.twins.test:5672?retries='5'%26connectdelay='50';tcp://tm-b.twins.test:5672")
                .doesNotContain("lb.twins.test");
    }

    @Test
    void aKeyManagerThatLosesItsTwinGoesBackToItsOwnHostNoProxyAndNoCluster() {
        ClusterSpec seven = ApimHomes.spec("seven-node.yaml");
        List<Node> withoutKm2 = seven.nodes().stream().filter(n -> !n.name().equals("km2")).toList();
        Map<Role, Endpoint> publisherOnly = Map.of(Role.PUBLISHER, seven.endpoint(Role.PUBLISHER).orElseThrow());
        ClusterSpec single = LoadBalancerRecipeTest.with(seven, withoutKm2,
                new LoadBalancer(seven.loadBalancer().node(), seven.loadBalancer().kind(), publisherOnly));
        Path home = ApimHomes.copyOfReal(dir.resolve("km1"));
        BundleApplier applier = new BundleApplier(home, dir.resolve("km1.state"), ApimHomes.secrets());

        applier.apply(bundle(seven, 1));
        applier.apply(bundle(single, 2));

        Rendered km1 = new Rendered(single, home, bundle(single, 2));
        assertThat(km1.text(CARBON, HOST_NAME)).isEqualTo("km1.seven.test");
        assertThat(km1.attribute(CATALINA, HTTPS_CONNECTOR, "proxyPort")).isEqualTo(DoubledRoles.NO_PROXY_PORT);
        assertThat(km1.attribute(CATALINA, HTTPS_CONNECTOR, "proxyName")).isEqualTo(DoubledRoles.NO_PROXY_NAME);
        assertThat(km1.attribute(AXIS2, CLUSTERING, "enable")).isEqualTo("false");
    }

    private static Bundle bundle(ClusterSpec spec, long revision) {
        return Recipes.bundle(spec, "km1", revision, jar -> Optional.empty()).bundle();
    }
}
