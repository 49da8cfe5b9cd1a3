package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.LoadBalancer;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.Operation;
import io.apimfleet.protocol.bundle.Probe;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load balancer's bundle for seven-node.yaml (key managers and publishers doubled, one store). */
class LoadBalancerRecipeTest {
    private static final ClusterSpec SEVEN = ApimHomes.spec("seven-node.yaml");
    private static final Pki PKI = Pki.make("lb.seven.test", "km.seven.test", "pub.seven.test");
    private static final LoadBalancerMaterial MATERIAL = new LoadBalancerMaterial(PKI.ca(), List.of(PKI.leaf()));
    private static final String HOME = LoadBalancerRecipe.DEFAULT_HOME;

    /** A test product CA and a load-balancer certificate it signed for {@code names}, with its key (also as PEM). */
    record Pki(X509Certificate ca, X509Certificate leaf, String keyPem, PrivateKey key) {
        static Pki make(String... names) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair caKeys = generator.generateKeyPair();
                KeyPair leafKeys = generator.generateKeyPair();
                X500Name caName = new X500Name("CN=test product CA");
                Date from = Date.from(Instant.now().minus(1, ChronoUnit.HOURS));
                Date until = Date.from(Instant.now().plus(1, ChronoUnit.DAYS));
                X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, until, caName, caKeys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                X509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, until,
                        new X500Name("CN=" + names[0]), leafKeys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(Arrays.stream(names)
                                .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
                JcaContentSignerBuilder signer = new JcaContentSignerBuilder("SHA256withRSA");
                JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
                StringWriter key = new StringWriter();
                try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
                    writer.writeObject(new JcaPKCS8Generator(leafKeys.getPrivate(), null).generate());
                }
                return new Pki(converter.getCertificate(ca.build(signer.build(caKeys.getPrivate()))),
                        converter.getCertificate(leaf.build(signer.build(caKeys.getPrivate()))), key.toString(),
                        leafKeys.getPrivate());
            } catch (Exception e) {
                throw new IllegalStateException("cannot make test certificates", e);
            }
        }
    }

    static ClusterSpec with(ClusterSpec spec, List<Node> nodes, LoadBalancer loadBalancer) {
        return new ClusterSpec(spec.apiVersion(), spec.cluster(), spec.product(), spec.admin(), spec.databases(), nodes,
                loadBalancer, spec.jvm(), spec.options(), spec.rollout());
    }

    static ClusterSpec kind(ClusterSpec spec, LoadBalancer.Kind kind) {
        LoadBalancer lb = spec.loadBalancer();
        return with(spec, spec.nodes(), new LoadBalancer(lb.node(), kind, lb.endpoints()));
    }

    private static Node node(ClusterSpec spec, String name) {
        return spec.node(name).orElseThrow();
    }

    static Node moved(Node node, String host, int portOffset, String address, String home) {
        return new Node(node.name(), node.role(), host, portOffset, address, node.altNames(), home);
    }

    private static Bundle bundle(ClusterSpec spec) {
        return LoadBalancerRecipe.bundle(spec, 3, MATERIAL).bundle();
    }

    private static String file(Bundle bundle, String path) {
        return bundle.operations().stream().filter(op -> op instanceof FileWrite w && w.path().equals(path))
                .map(op -> ((FileWrite) op).content()).findFirst().orElseThrow(() -> new AssertionError("no write of " + path));
    }

    private static String haproxy(ClusterSpec spec) {
        return file(bundle(spec), HaproxyConfig.FILE);
    }

    private static String nginx(ClusterSpec spec) {
        return file(bundle(kind(spec, LoadBalancer.Kind.NGINX)), NginxConfig.FILE);
    }

    private static List<String> lines(String config, String prefix) {
        return config.lines().map(String::strip).filter(line -> line.startsWith(prefix)).toList();
    }

    /** The lines of one HAProxy section, from its header to the next blank line. */
    private static String section(String config, String header) {
        int start = config.indexOf("\n" + header + "\n");
        assertThat(start).as("section %s in\n%s", header, config).isNotNegative();
        int end = config.indexOf("\n\n", start + 1);
        return config.substring(start + 1, end < 0 ? config.length() : end);
    }

    /** An nginx block starting at the line {@code header}, to its closing brace at the same depth. */
    private static String block(String config, String header) {
        int start = config.indexOf(header);
        assertThat(start).as("block %s in\n%s", header, config).isNotNegative();
        int depth = 0;
        for (int i = config.indexOf('{', start); i < config.length(); i++) {
            depth += config.charAt(i) == '{' ? 1 : config.charAt(i) == '}' ? -1 : 0;
            if (depth == 0) {
                return config.substring(start, i + 1);
            }
        }
        throw new AssertionError("unbalanced block " + header);
    }

    @Test
    void haproxyHasOneFrontendPerDoubledRoleBoundAtItsEndpointPortWithTheEndpointCertificate() {
        String config = haproxy(SEVEN);
        assertThat(lines(config, "frontend ")).containsExactly("frontend key-manager", "frontend publisher");
        assertThat(lines(config, "bind ")).containsExactly(
                "bind 0.0.0.0:9443 ssl crt " + HOME + "/endpoints.pem",
                "bind 0.0.0.0:9444 ssl crt " + HOME + "/endpoints.pem");
        assertThat(config).doesNotContain("store");
    }

    @Test
    void haproxyBindsTheLoadBalancersAddressWhenTheSpecGivesOne() {
        List<Node> nodes = SEVEN.nodes().stream()
                .map(n -> n.name().equals("lb1") ? moved(n, n.host(), 0, "192.0.2.10", null) : n).toList();
        String config = haproxy(with(SEVEN, nodes, SEVEN.loadBalancer()));
        assertThat(lines(config, "bind ")).allMatch(line -> line.startsWith("bind 192.0.2.10:944"));
    }

    @Test
    void haproxyNamesEachServerByItsNodeAtItsHostAndServletPortPlusOffset() {
        List<Node> nodes = SEVEN.nodes().stream()
                .map(n -> n.name().equals("km2") ? moved(n, n.host(), 7, null, null) : n).toList();
        String config = haproxy(with(SEVEN, nodes, SEVEN.loadBalancer()));
        assertThat(lines(config, "server ")).extracting(line -> String.join(" ", Arrays.asList(line.split(" ")).subList(0, 3)))
                .containsExactly("server km1 km1.seven.test:9443", "server km2 km2.seven.test:9450",
                        "server pub1 pub1.seven.test:9443", "server pub2 pub2.seven.test:9443");
    }

    @Test
    void haproxyReEncryptsToEachServerVerifyingTheProductCaAndItsOwnHostName() {
        String config = haproxy(SEVEN);
        for (String node : List.of("km1", "km2", "pub1", "pub2")) {
            assertThat(lines(config, "server " + node + " ")).singleElement().asString()
                    .contains(" ssl verify required ca-file " + HOME + "/product-ca.pem verifyhost " + node + ".seven.test ")
                    .contains("sni str(" + node + ".seven.test)")
                    .contains(" check ");
        }
    }

    @Test
    void haproxyHealthChecksTheManagementConsoleExpecting200() {
        String config = haproxy(SEVEN);
        for (String backend : List.of("backend key-manager", "backend publisher")) {
            assertThat(section(config, backend)).contains("option httpchk GET /carbon/admin/login.jsp\n")
                    .contains("http-check expect status 200\n");
        }
    }

    @Test
    void haproxyMakesThePublisherStickyOnItsSessionCookieButNotTheKeyManager() {
        String config = haproxy(SEVEN);
        assertThat(section(config, "backend publisher")).contains("cookie JSESSIONID prefix nocache\n")
                .contains("server pub1 pub1.seven.test:9443 cookie pub1 ").contains("server pub2 pub2.seven.test:9443 cookie pub2 ");
        assertThat(section(config, "backend key-manager")).doesNotContain("cookie");
    }

    @Test
    void haproxyRedispatchesARequestWhoseServerWentDown() {
        assertThat(section(haproxy(SEVEN), "defaults")).contains("option redispatch\n");
    }

    @Test
    void haproxyOpensAnAdminSocketInTheHomeForRuntimeDrains() {
        assertThat(lines(haproxy(SEVEN), "stats socket ")).containsExactly(
                "stats socket " + HOME + "/haproxy.sock mode 600 level admin expose-fd listeners");
        assertThat(LoadBalancerRecipe.adminSocket(SEVEN)).isEqualTo(HOME + "/haproxy.sock");
    }

    @Test
    void haproxyRunsMasterWorkerInTheForeground() {
        assertThat(bundle(SEVEN).process().command()).containsExactly("haproxy", "-W", "-db", "-p", HOME + "/haproxy.pid", "-f", HOME + "/haproxy.cfg");
        assertThat(bundle(SEVEN).process().reload()).containsExactly("sh", "-c", "kill -USR2 \"$(cat '" + HOME + "/haproxy.pid')\"");
    }

    @Test
    void theNodesHomeReplacesTheDefaultHomeInEveryPath() {
        List<Node> nodes = SEVEN.nodes().stream()
                .map(n -> n.name().equals("lb1") ? moved(n, n.host(), 0, null, "/srv/lb") : n).toList();
        String config = haproxy(with(SEVEN, nodes, SEVEN.loadBalancer()));
        assertThat(config).contains("/srv/lb/haproxy.sock", "/srv/lb/endpoints.pem", "/srv/lb/product-ca.pem").doesNotContain(HOME);
    }

    @Test
    void aDrainedNodeStartsDisabledInHaproxyAndDownInNginx() {
        LoadBalancerMaterial drained = new LoadBalancerMaterial(PKI.ca(), List.of(PKI.leaf()), Set.of("pub2"));
        String haproxy = file(LoadBalancerRecipe.bundle(SEVEN, 1, drained).bundle(), HaproxyConfig.FILE);
        assertThat(lines(haproxy, "server pub2 ")).singleElement().asString().endsWith(" disabled");
        assertThat(lines(haproxy, "server pub1 ")).singleElement().asString().doesNotContain("disabled");
        String nginx = file(LoadBalancerRecipe.bundle(kind(SEVEN, LoadBalancer.Kind.NGINX), 1, drained).bundle(), NginxConfig.FILE);
        assertThat(block(nginx, "upstream publisher {")).contains("nginx-pub2.sock max_fails=2 fail_timeout=5s down;")
                .contains("nginx-pub1.sock max_fails=2 fail_timeout=5s;");
    }

    @Test
    void nginxHasOneTlsServerPerDoubledRoleListeningAtItsEndpointWithTheEndpointCertificate() {
        String config = nginx(SEVEN);
        assertThat(lines(config, "listen ").stream().filter(l -> !l.startsWith("listen unix:")).toList())
                .containsExactly("listen 9443 ssl;", "listen 9444 ssl;");
        assertThat(lines(config, "server_name ")).containsExactly("server_name km.seven.test;", "server_name pub.seven.test;");
        assertThat(lines(config, "ssl_certificate ")).containsOnly("ssl_certificate " + HOME + "/endpoints.pem;").hasSize(2);
        assertThat(lines(config, "ssl_certificate_key ")).containsOnly("ssl_certificate_key " + HOME + "/endpoints.pem;").hasSize(2);
        assertThat(config).doesNotContain("store").doesNotContain("stream {");
    }

    @Test
    void nginxBalancesEachRoleOverItsNodesWithPassiveHealthChecks() {
        String config = nginx(SEVEN);
        assertThat(block(config, "upstream key-manager {")).contains(
                "server unix:" + HOME + "/nginx-km1.sock max_fails=2 fail_timeout=5s;",
                "server unix:" + HOME + "/nginx-km2.sock max_fails=2 fail_timeout=5s;");
        assertThat(block(config, "upstream publisher {")).contains(
                "server unix:" + HOME + "/nginx-pub1.sock max_fails=2 fail_timeout=5s;",
                "server unix:" + HOME + "/nginx-pub2.sock max_fails=2 fail_timeout=5s;");
        assertThat(lines(config, "proxy_pass http://")).containsExactly("proxy_pass http://key-manager;", "proxy_pass http://publisher;");
    }

    @Test
    void nginxMakesThePublisherStickyByHashingItsSessionCookieButNotTheKeyManager() {
        String config = nginx(SEVEN);
        assertThat(block(config, "upstream publisher {")).contains("hash $cookie_JSESSIONID consistent;");
        assertThat(block(config, "upstream key-manager {")).doesNotContain("hash");
    }

    @Test
    void nginxReEncryptsToEachNodeVerifyingTheProductCaAndItsOwnHostName() {
        String config = nginx(SEVEN);
        for (String node : List.of("km1", "km2", "pub1", "pub2")) {
            String relay = block(config, "server {  # relay to " + node + ",");
            assertThat(relay).contains("listen unix:" + HOME + "/nginx-" + node + ".sock;",
                    "proxy_pass https://node-" + node + ";", "proxy_ssl_verify on;",
                    "proxy_ssl_trusted_certificate " + HOME + "/product-ca.pem;",
                    "proxy_ssl_name " + node + ".seven.test;", "proxy_ssl_server_name on;");
            assertThat(block(config, "upstream node-" + node + " {")).contains("server " + node + ".seven.test:9443;");
        }
    }

    @Test
    void nginxRunsInTheForegroundWithTheHomeAsPrefix() {
        assertThat(bundle(kind(SEVEN, LoadBalancer.Kind.NGINX)).process().command()).containsExactly(
                "nginx", "-p", HOME + "/", "-e", "stderr", "-c", HOME + "/nginx.conf", "-g", "daemon off;");
    }

    @Test
    void nginxKeepsItsPidAndTemporaryFilesInTheHome() {
        String config = nginx(SEVEN);
        assertThat(lines(config, "pid ")).containsExactly("pid " + HOME + "/nginx.pid;");
        assertThat(lines(config, "proxy_temp_path ")).containsExactly("proxy_temp_path " + HOME + "/proxy_temp;");
        assertThat(lines(config, "client_body_temp_path ")).containsExactly("client_body_temp_path " + HOME + "/client_body_temp;");
    }

    @Test
    void theBundleWritesTheConfigTheProductCaAndTheEndpointPemWithTheKeyAsAHostSecretReference() {
        Bundle bundle = bundle(SEVEN);
        Map<String, String> modes = new java.util.LinkedHashMap<>();
        for (Operation op : bundle.operations()) {
            FileWrite write = (FileWrite) op;
            modes.put(write.path(), write.mode());
        }
        assertThat(modes).containsExactly(Map.entry("product-ca.pem", "0644"), Map.entry("endpoints.pem", "0600"),
                Map.entry("haproxy.cfg", "0644"));
        assertThat(file(bundle, "product-ca.pem")).isEqualTo(TrustRecipe.pem(PKI.ca()));
        assertThat(file(bundle, "endpoints.pem")).isEqualTo(TrustRecipe.pem(PKI.leaf()) + "${host-secret:tls-key}\n")
                .doesNotContain("PRIVATE KEY");
    }

    @Test
    void theBundleProbesEachEndpointPortOverTcp() {
        assertThat(bundle(SEVEN).probes()).extracting(p -> p.name() + " " + p.kind() + " " + p.host() + ":" + p.port())
                .containsExactly("key-manager TCP lb.seven.test:9443", "publisher TCP lb.seven.test:9444");
        assertThat(bundle(SEVEN).probes()).extracting(Probe::startupGrace).allMatch(grace -> grace.toSeconds() <= 30);
    }

    @Test
    void aSpecWithNoDoubledRoleGivesAnEmptyBundleThatStartsNothingAndSaysWhy() {
        List<Node> single = SEVEN.nodes().stream().filter(n -> !n.name().equals("km2") && !n.name().equals("pub2")).toList();
        ClusterSpec spec = with(SEVEN, single, new LoadBalancer("lb1", null, Map.of()));
        Recipes.NodeBundle result = LoadBalancerRecipe.bundle(spec, 1, MATERIAL);
        assertThat(result.bundle().operations()).isEmpty();
        assertThat(result.bundle().process()).isNull();
        assertThat(result.bundle().probes()).isEmpty();
        assertThat(result.warnings()).singleElement().asString().contains("nothing to front");
    }

    @Test
    void aCertificateThatDoesNotNameAnEndpointIsRefused() {
        Pki partial = Pki.make("lb.seven.test", "km.seven.test");
        LoadBalancerMaterial material = new LoadBalancerMaterial(partial.ca(), List.of(partial.leaf()));
        assertThatThrownBy(() -> LoadBalancerRecipe.bundle(SEVEN, 1, material))
                .isInstanceOf(RecipeException.class).hasMessageContaining("does not name pub.seven.test");
    }

    @Test
    void aSpecWithoutALoadBalancerNodeIsRefused() {
        ClusterSpec spec = with(SEVEN, SEVEN.nodes().stream().filter(n -> n.role() != Role.LOAD_BALANCER).toList(), null);
        assertThatThrownBy(() -> LoadBalancerRecipe.bundle(spec, 1, MATERIAL))
                .isInstanceOf(RecipeException.class).hasMessageContaining("has no load-balancer node");
    }
}
