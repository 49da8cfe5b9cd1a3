package io.apimfleet.controller.cli;

import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.recipe.ApimHomes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fleet render --controller-state}: the stores and every reference to them, offline. */
class RenderTrustTest {
    private static final List<String> NODES = List.of("km1", "pub1", "store1", "tm1", "gw1");
    private static final String SECURITY = "repository/resources/security/";

    @TempDir
    Path dir;
    Path state;
    Path spec;
    Path secrets;
    Path homes;

    @BeforeEach
    void setUp() throws Exception {
        state = TestStates.fresh(dir).dir();
        spec = dir.resolve("five-node.yaml");
        Files.copy(Path.of(getClass().getResource("/specs/five-node.yaml").toURI()), spec);
        secrets = dir.resolve("secrets");
        StringBuilder lines = new StringBuilder();
        ApimHomes.SECRETS.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(secrets, lines);
        homes = Files.createDirectories(dir.resolve("homes"));
        for (String node : NODES) {
            ApimHomes.copyOfReal(homes.resolve(node));
        }
    }

    private FleetRun render() {
        FleetRun run = FleetRun.of("render", "-f", spec.toString(), "--all", "--homes", homes.toString(),
                "--secrets", secrets.toString(), "--controller-state", state.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    private KeyStore store(String node, String file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("JKS");
        String secret = new HostSecrets(homes.resolve(node + ".fleet-state/host-secrets.json")).lookup(password).orElseThrow();
        store.load(new ByteArrayInputStream(Files.readAllBytes(homes.resolve(node).resolve(SECURITY + file))), secret.toCharArray());
        return store;
    }

    @Test
    void withAllAndOneStateFolderEachNodeKeepsItsOwnHostSecretsThere() throws Exception {
        Path shared = dir.resolve("render-state");
        FleetRun run = FleetRun.of("render", "-f", spec.toString(), "--all", "--homes", homes.toString(), "--state", shared.toString(),
                "--secrets", secrets.toString(), "--controller-state", state.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String node : NODES) {
            HostSecrets own = new HostSecrets(shared.resolve(node).resolve("host-secrets.json"));
            String password = own.lookup("tls-keystore-password").orElseThrow();
            KeyStore tls = KeyStore.getInstance("JKS");
            tls.load(new ByteArrayInputStream(Files.readAllBytes(homes.resolve(node).resolve(SECURITY + "fleet-tls.jks"))), password.toCharArray());
            assertThat(Collections.list(tls.aliases())).containsExactly(node + ".five.test");
        }
        assertThat(shared.resolve("host-secrets.json")).doesNotExist();
    }

    @Test
    void everyNodeGetsItsTlsKeyThePrimaryKeyAndATrustStoreOfItsPeers() throws Exception {
        render();
        for (String node : NODES) {
            KeyStore tls = store(node, "fleet-tls.jks", "tls-keystore-password");
            assertThat(Collections.list(tls.aliases())).containsExactly(node + ".five.test");
            KeyStore trust = store(node, "client-truststore.jks", "truststore-password");
            List<String> expected = new java.util.ArrayList<>(List.of("fleet-product-ca", "fleet-primary"));
            NODES.stream().filter(n -> !n.equals(node)).forEach(expected::add);
            assertThat(Collections.list(trust.aliases())).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(store(node, "wso2carbon.jks", "primary-keystore-password").getCertificate("wso2carbon"))
                    .isEqualTo(store("km1", "wso2carbon.jks", "primary-keystore-password").getCertificate("wso2carbon"));
        }
    }

    @Test
    void theStoresAreReferencedWithTheHostsPasswordsAndTheTlsStoreWhereListenersPresentIt() throws Exception {
        render();
        String catalina = Files.readString(homes.resolve("gw1/repository/conf/tomcat/catalina-server.xml"));
        String password = new HostSecrets(homes.resolve("gw1.fleet-state/host-secrets.json")).lookup("tls-keystore-password").orElseThrow();
        assertThat(catalina).contains("keystoreFile=\"${carbon.home}/repository/resources/security/fleet-tls.jks\"")
                .contains("keystorePass=\"" + password + "\"").doesNotContain("wso2carbon\"");
        String carbon = Files.readString(homes.resolve("gw1/repository/conf/carbon.xml"));
        assertThat(carbon).contains("<Location>${carbon.home}/repository/resources/security/wso2carbon.jks</Location>")
                .doesNotContain("<Password>wso2carbon</Password>");
    }

    @Test
    void aSecondRenderChangesNothingAndRollbackRestoresTheShippedHome() throws Exception {
        Map<String, String> original = snapshot(homes.resolve("km1"));
        render();
        FleetRun second = render();
        assertThat(second.out().lines().filter(l -> l.equals("no changes")).count()).isEqualTo(NODES.size());
        FleetRun rollback = FleetRun.of("render", "--rollback", "--home", homes.resolve("km1").toString());
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(snapshot(homes.resolve("km1"))).isEqualTo(original);
    }

    @Test
    void rotatingANodeGivesItANewKeyAndItsPeersItsNewCertificate() throws Exception {
        render();
        X509Certificate before = (X509Certificate) store("gw1", "fleet-tls.jks", "tls-keystore-password").getCertificate("gw1.five.test");
        FleetRun rotate = FleetRun.of("certs", "rotate", "--state", state.toString(), "-f", spec.toString(), "--node", "gw1");
        assertThat(rotate.exitCode()).as(rotate.err()).isZero();
        render();
        X509Certificate after = (X509Certificate) store("gw1", "fleet-tls.jks", "tls-keystore-password").getCertificate("gw1.five.test");
        assertThat(after.getPublicKey()).isNotEqualTo(before.getPublicKey());
        assertThat(store("km1", "client-truststore.jks", "truststore-password").getCertificate("gw1")).isEqualTo(after);
    }

    @Test
    void rotatePrimaryKeepsTheKeyAndCertsListShowsTheProductCertificates() throws Exception {
        render();
        FleetRun rotate = FleetRun.of("certs", "rotate", "--state", state.toString(), "-f", spec.toString(), "--primary");
        assertThat(rotate.exitCode()).as(rotate.err()).isZero();
        assertThat(rotate.out()).contains("re-issued for the same key");
        FleetRun list = FleetRun.of("certs", "list", "--state", state.toString());
        assertThat(list.out()).contains("primary five").contains("gw1", "product-tls", "DNS:gw1.five.test");
    }

    @Test
    void rotateNeedsExactlyOneTarget() {
        FleetRun run = FleetRun.of("certs", "rotate", "--state", state.toString(), "-f", spec.toString(), "--all", "--primary");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("give exactly one of --node NAME, --all, --primary");
    }

    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return files;
    }
}
