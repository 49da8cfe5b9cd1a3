package io.apimfleet.standin;

import io.apimfleet.standin.home.DefaultStores;
import io.apimfleet.standin.home.MakeHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** make-home: a home shaped like a freshly unzipped API-M 2.2.0. */
class MakeHomeTest {
    @TempDir
    Path dir;

    @Test
    void makesTheElevenWebappsAndThreeJaggeryAppsOfTheManifestByTheirRealNames() throws Exception {
        Path home = MakeHome.make(MakeHome.Options.ofThisJvm(dir.resolve("home")));

        try (Stream<Path> webapps = Files.list(home.resolve("repository/deployment/server/webapps"));
             Stream<Path> jaggery = Files.list(home.resolve("repository/deployment/server/jaggeryapps"))) {
            assertThat(webapps.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("oauth2.war",
                    "authenticationendpoint.war", "api#am#store#v0.12.war", "api#identity#consent-mgt#v1.0.war",
                    "api#am#publisher#v0.12.war", "api#am#admin#v0.12.war", "throttle#data#v1.war",
                    "client-registration#v0.12.war", "am#sample#calculator#v1.war", "am#sample#pizzashack#v1.war",
                    "micro-gateway#v0.9.war");
            assertThat(jaggery.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("publisher", "store", "admin");
        }
    }

    @Test
    void defaultStoresOpenWithWso2carbonAndHoldTheCnLocalhostKey() throws Exception {
        Path home = MakeHome.make(MakeHome.Options.ofThisJvm(dir.resolve("home")));
        Path security = home.resolve("repository/resources/security");

        KeyStore primary = TestHomes.load(security.resolve("wso2carbon.jks"), "wso2carbon");
        assertThat(primary.getType()).isEqualTo("JKS");
        assertThat(primary.isKeyEntry("wso2carbon")).isTrue();
        assertThat(primary.getKey("wso2carbon", "wso2carbon".toCharArray())).isNotNull();
        X509Certificate certificate = (X509Certificate) primary.getCertificate("wso2carbon");
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost,O=WSO2,L=Mountain View,ST=CA,C=US");
        assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);

        KeyStore trust = TestHomes.load(security.resolve("client-truststore.jks"), "wso2carbon");
        assertThat(trust.getCertificate("wso2carbon")).isEqualTo(certificate);
    }

    @Test
    void writesTheWebSocketInboundEndpointsTheOAuthProxyApisAndTheStartScript() throws Exception {
        Path home = MakeHome.make(MakeHome.Options.ofThisJvm(dir.resolve("home")));
        Path synapse = home.resolve("repository/deployment/server/synapse-configs/default");

        assertThat(synapse.resolve("inbound-endpoints/WebSocketInboundEndpoint.xml")).isRegularFile();
        assertThat(synapse.resolve("inbound-endpoints/SecureWebSocketInboundEndpoint.xml")).isRegularFile();
        assertThat(synapse.resolve("api/_TokenAPI_.xml")).content().contains("context=\"/token\"");
        assertThat(synapse.resolve("api/_RevokeAPI_.xml")).content().contains("context=\"/revoke\"");
        assertThat(home.resolve("bin/wso2server.sh")).isExecutable().content().startsWith("#!/bin/sh");
        assertThat(home.resolve("bin/standin.properties")).content().contains("start.delay=500ms");
    }

    @Test
    void confFromCopiesARealConfTreeInsteadOfTheProjectsOwn() throws Exception {
        Path real = TestHomes.realConf();

        Path home = MakeHome.make(MakeHome.Options.ofThisJvm(dir.resolve("home")).withConfFrom(real));

        assertThat(home.resolve("repository/conf/api-manager.xml")).hasSameBinaryContentAs(real.resolve("api-manager.xml"));
        assertThat(home.resolve("repository/conf/axis2/axis2_TM.xml")).hasSameBinaryContentAs(real.resolve("axis2/axis2_TM.xml"));
    }

    @Test
    void storesFromSharesTheOtherHomesPrimaryKeyAsTwoCopiesOfOneZipWould() throws Exception {
        Path first = MakeHome.make(MakeHome.Options.ofThisJvm(dir.resolve("first")));

        Path second = MakeHome.make(MakeHome.Options.ofThisJvm(dir.resolve("second")).withStoresFrom(first));

        String store = DefaultStores.SECURITY + "/" + DefaultStores.PRIMARY;
        assertThat(second.resolve(store)).hasSameBinaryContentAs(first.resolve(store));
    }
}
