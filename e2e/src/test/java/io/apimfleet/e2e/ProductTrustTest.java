package io.apimfleet.e2e;

import io.apimfleet.agent.enroll.HostKeys;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.bundle.stage.Durable;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.recipe.Recipes;
import io.apimfleet.controller.recipe.TrustMaterial;
import io.apimfleet.controller.spec.CheckedSpec;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Specs;
import io.apimfleet.controller.trust.ProductKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The product keys of km1, pub1 and gw1 of the shared example spec, built the way a deployment
 * builds them: each host makes its TLS key and a CSR, the controller signs it and makes the
 * cluster's primary key once, and the recipes' keystore operations write the stores into copies
 * of a real 2.2.0 home (with stores shaped like the shipped ones).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductTrustTest {
    private static final List<String> NODES = List.of("km1", "pub1", "gw1");
    private static final Map<String, String> SPEC_SECRETS = Map.of("admin-password", "Adm1n-secret-value",
            "apimgt-db", "apimgt-db-secret", "usermgt-db", "usermgt-db-secret", "registry-db", "registry-db-secret");

    Path dir;
    ClusterSpec spec;
    ControllerState controller;
    final Map<String, Path> homes = new HashMap<>();
    final Map<String, HostSecrets> hosts = new HashMap<>();
    final Map<String, ApplyResult> results = new HashMap<>();

    @BeforeAll
    void deploy(@TempDir Path classDir) throws Exception {
        dir = classDir;
        Path example = Path.of(System.getProperty("fleet.examples.dir", "../../shared/examples")).resolve("cluster.yaml");
        Path fixtures = Path.of(System.getProperty("fleet.fixtures.dir", "../../shared/fixtures")).resolve("wso2am-2.2.0");
        if (!Files.exists(example) || !Files.isDirectory(fixtures)) {
            System.err.println("SKIPPED: ProductTrustTest needs " + example + " and " + fixtures);
        }
        assumeThat(Files.exists(example) && Files.isDirectory(fixtures)).as("shared example and fixtures").isTrue();
        CheckedSpec checked = Specs.check(example, "cluster.yaml");
        assertThat(checked.problems()).isEmpty();
        spec = checked.spec();
        controller = ControllerState.init(dir.resolve("controller"), "controller.test:7443");
        ProductKeys keys = ProductKeys.of(controller, spec);
        for (String node : NODES) {
            Path home = dir.resolve("hosts").resolve(node).resolve("home");
            Durable.copyTree(fixtures.resolve("repository"), home.resolve("repository"));
            ShippedStores.write(home.resolve("repository/resources/security"));
            Files.createDirectories(home.resolve("repository/deployment/server/webapps"));
            Files.createDirectories(home.resolve("repository/deployment/server/jaggeryapps"));
            HostSecrets host = new HostSecrets(dir.resolve("hosts").resolve(node).resolve("agent/host-secrets.json"));
            String host0 = spec.node(node).orElseThrow().host();
            keys.signTls(node, new HostKeys(host).newTlsRequest(host0));
            homes.put(node, home);
            hosts.put(node, host);
        }
        for (String node : NODES) {
            TrustMaterial material = keys.material(node);
            var bundle = Recipes.bundle(spec, node, 1, jar -> java.util.Optional.empty(), material).bundle();
            Secrets secrets = Secrets.of(withPrimary(keys.primaryKeyPem())).withHost(hosts.get(node));
            results.put(node, new BundleApplier(homes.get(node), dir.resolve("hosts").resolve(node).resolve("agent/bundles"), secrets).apply(bundle));
        }
    }

    private static Map<String, String> withPrimary(String primaryKey) {
        Map<String, String> all = new HashMap<>(SPEC_SECRETS);
        all.put(TrustMaterial.PRIMARY_KEY_SECRET, primaryKey);
        return all;
    }

    private KeyStore store(String node, String file, String passwordName) throws Exception {
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(new ByteArrayInputStream(Files.readAllBytes(homes.get(node).resolve("repository/resources/security/" + file))),
                hosts.get(node).lookup(passwordName).orElseThrow().toCharArray());
        return store;
    }

    @Test
    void eachNodesTlsKeyCarriesItsHostAndNamesAndChainsToTheProductCa() throws Exception {
        X509Certificate productCa = controller.productCa().certificate();
        Map<String, List<String>> expected = Map.of(
                "km1", List.of("km1.apim.example", "km.apim.example"),
                "pub1", List.of("pub1.apim.example", "pub.apim.example"),
                "gw1", List.of("gw1.apim.example", "api.apim.example", "10.0.4.21"));
        for (String node : NODES) {
            KeyStore tls = store(node, "fleet-tls.jks", "tls-keystore-password");
            String host = spec.node(node).orElseThrow().host();
            assertThat(Collections.list(tls.aliases())).containsExactly(host);
            X509Certificate leaf = (X509Certificate) tls.getCertificate(host);
            assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + host);
            List<String> sans = new ArrayList<>();
            leaf.getSubjectAlternativeNames().forEach(san -> sans.add(String.valueOf(san.get(1))));
            assertThat(sans).containsExactlyInAnyOrderElementsOf(expected.get(node));
            leaf.verify(productCa.getPublicKey());
            assertThat(tls.getCertificateChain(host)).hasSize(2).endsWith(productCa);
        }
    }

    @Test
    void everyNodeHoldsTheSamePrimaryKeyUnderTheShippedAlias() throws Exception {
        List<byte[]> keys = new ArrayList<>();
        for (String node : NODES) {
            KeyStore primary = store(node, "wso2carbon.jks", "primary-keystore-password");
            keys.add(primary.getKey("wso2carbon", hosts.get(node).lookup("primary-keystore-password").orElseThrow().toCharArray()).getEncoded());
            X509Certificate certificate = (X509Certificate) primary.getCertificate("wso2carbon");
            certificate.verify(controller.productCa().certificate().getPublicKey());
            assertThat(certificate.getSubjectX500Principal().getName()).doesNotContain("localhost");
        }
        assertThat(keys.get(1)).isEqualTo(keys.get(0));
        assertThat(keys.get(2)).isEqualTo(keys.get(0));
    }

    @Test
    void trustStoresKeepEveryShippedEntryAndGainTheProductCaThePrimaryAndThePeers() throws Exception {
        for (String node : NODES) {
            KeyStore trust = store(node, "client-truststore.jks", "truststore-password");
            List<String> aliases = Collections.list(trust.aliases());
            assertThat(aliases).contains("wso2carbon", "publicroot1", "publicroot2", "publicroot3", "publicroot4",
                    "fleet-product-ca", "fleet-primary");
            assertThat(aliases).containsAll(NODES.stream().filter(n -> !n.equals(node)).toList()).doesNotContain(node);
        }
    }

    @Test
    void keytoolShowsTheTlsStoreAsOnePrivateKeyEntryForTheHostSignedByTheProductCa() throws Exception {
        String out = keytool("km1", "fleet-tls.jks", "tls-keystore-password");
        assertThat(out).contains("Your keystore contains 1 entry", "Alias name: km1.apim.example", "Entry type: PrivateKeyEntry",
                "Certificate chain length: 2", "Owner: CN=km1.apim.example", "DNSName: km1.apim.example", "DNSName: km.apim.example");
        assertThat(out).containsPattern("Issuer: CN=[^\\n]*[Pp]roduct");
    }

    @Test
    void keytoolShowsTheTrustStoreWithTheShippedEntriesAndTheNewOnes() throws Exception {
        String out = keytool("gw1", "client-truststore.jks", "truststore-password");
        assertThat(out).contains("Your keystore contains 9 entries", "Alias name: publicroot1", "Alias name: wso2carbon",
                "Alias name: fleet-product-ca", "Alias name: fleet-primary", "Alias name: km1", "Alias name: pub1")
                .doesNotContain("Alias name: gw1\n");
    }

    /** {@code keytool -list -v}, the password passed through the environment, never the command line. */
    private String keytool(String node, String file, String passwordName) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-list", "-v", "-storetype", "JKS", "-keystore",
                homes.get(node).resolve("repository/resources/security/" + file).toString(), "-storepass:env", "STOREPASS")
                .redirectErrorStream(true);
        builder.environment().put("STOREPASS", hosts.get(node).lookup(passwordName).orElseThrow());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void aClientTrustingPub1sStoreAcceptsKm1UnderItsNamesAndRefusesAnyOther() throws Exception {
        assertThat(handshake("km1", "pub1", "km1.apim.example")).isEqualTo("ok");
        assertThat(handshake("km1", "pub1", "km.apim.example")).isEqualTo("ok");
        assertThatThrownBy(() -> handshake("km1", "pub1", "pub1.apim.example")).isInstanceOf(SSLHandshakeException.class);
    }

    /** Serves node {@code server}'s TLS store on 127.0.0.1 and dials it as {@code name} with {@code client}'s trust store. */
    private String handshake(String server, String client, String name) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store(server, "fleet-tls.jks", "tls-keystore-password"), hosts.get(server).lookup("tls-keystore-password").orElseThrow().toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store(client, "client-truststore.jks", "truststore-password"));
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setSoTimeout(10_000);
            Future<?> served = executor.submit(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(10_000);
                    accepted.getOutputStream().write('!');
                    accepted.getOutputStream().flush();
                } catch (Exception expectedWhenTheClientRefuses) {
                    // the client's verdict is what the test reads
                }
                return null;
            });
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), 10_000);
                plain.setSoTimeout(10_000);
                try (SSLSocket tls = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, name, listener.getLocalPort(), true)) {
                    SSLParameters parameters = tls.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(parameters);
                    tls.startHandshake();
                    assertThat(tls.getInputStream().read()).isEqualTo('!');
                }
            }
            served.get(10, TimeUnit.SECONDS);
            return "ok";
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void theControllerStateHoldsNoPrivateKeyOfAnyNode() throws Exception {
        List<String> withPrivateKeys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(controller.dir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("PRIVATE KEY")) {
                    withPrivateKeys.add(controller.dir().relativize(file).toString());
                }
            }
        }
        // the CAs' keys (fleet, product, controller-peer) and the admin's: never a node's
        assertThat(withPrivateKeys).containsExactlyInAnyOrder("ca/fleet-ca.key", "ca/product-ca.key", "ca/controller-peer-ca.key",
                "admin/admin.key");
    }

    @Test
    void noSecretValueAppearsInTheControllerStateTheAgentsBundleStateOrTheReports() throws Exception {
        List<String> secrets = new ArrayList<>(SPEC_SECRETS.values());
        secrets.add(base64Body(ProductKeys.of(controller, spec).primaryKeyPem()));
        for (String node : NODES) {
            for (String name : List.of("primary-keystore-password", "tls-keystore-password", "truststore-password")) {
                secrets.add(hosts.get(node).lookup(name).orElseThrow());
            }
            secrets.add(base64Body(hosts.get(node).lookup(HostKeys.TLS_KEY).orElseThrow()));
        }
        List<Path> places = new ArrayList<>(List.of(controller.dir()));
        NODES.forEach(n -> places.add(dir.resolve("hosts").resolve(n).resolve("agent/bundles")));
        StringBuilder everything = new StringBuilder();
        NODES.forEach(n -> everything.append(results.get(n).report()).append(results.get(n).diff()));
        for (Path place : places) {
            try (Stream<Path> files = Files.walk(place)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    everything.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                }
            }
        }
        for (String secret : secrets) {
            assertThat(everything.indexOf(secret)).as("a secret of %d characters", secret.length()).isEqualTo(-1);
        }
    }

    /** The first line of a PEM's base64 body: enough to recognise the key anywhere. */
    private static String base64Body(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    }
}
