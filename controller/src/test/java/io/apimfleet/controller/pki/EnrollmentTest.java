package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token + CSR in, agent certificate out; every refusal with its reason, nothing issued, nothing secret journalled. */
class EnrollmentTest {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path tmp;

    ControllerState state;
    final Instant now = Instant.now();

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(tmp);
    }

    private JoinTokens.IssuedToken token(String node) {
        return state.tokens().create(node, null, now);
    }

    @Test
    void anEnrolledAgentGetsAClientCertificateForItsNodeFromTheFleetCa() throws Exception {
        KeyPair keys = Keys.ecP256();

        EnrollResult result = state.enrollment().enroll(token("km1").token(), TestStates.csr(keys, "km1"), now);

        X509Certificate cert = result.certificate();
        cert.verify(state.fleetCa().certificate().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=km1");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(state.fleetCa().certificate().getSubjectX500Principal());
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(CertificateRow.subjectAltNames(cert)).containsExactly("DNS:km1");
        assertThat(Duration.between(now, cert.getNotAfter().toInstant())).isBetween(Duration.ofDays(90).minusSeconds(1), Duration.ofDays(90));
        assertThat(Pem.certificate(result.caCertificatePem())).isEqualTo(state.fleetCa().certificate());
        assertThat(state.agents().find("km1")).get().extracting(a -> a.latest().serial()).isEqualTo(result.serial());
    }

    @Test
    void opensslVerifiesTheEnrolledCertificateAgainstTheFleetCa() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), () -> {
            System.err.println("SKIPPED: openssl is not on PATH");
            return "openssl is not on PATH";
        });
        EnrollResult result = state.enrollment().enroll(token("km1").token(), TestStates.csr(Keys.ecP256(), "km1"), now);
        Path agent = tmp.resolve("agent.crt");
        Files.writeString(agent, result.certificatePem());

        Process openssl = new ProcessBuilder("openssl", "verify", "-purpose", "sslclient",
                "-CAfile", state.dir().resolve("ca/fleet-ca.crt").toString(), agent.toString())
                .redirectErrorStream(true).start();
        boolean ended = openssl.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            openssl.destroyForcibly();
        }
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(ended).as("openssl ended within 30 s").isTrue();
        assertThat(output.strip()).isEqualTo(agent + ": OK");
        assertThat(openssl.exitValue()).isZero();
    }

    @Test
    void theSameTokenIsRefusedTheSecondTime() {
        String token = token("km1").token();
        state.enrollment().enroll(token, TestStates.csr(Keys.ecP256(), "km1"), now);

        assertRefused(token, TestStates.csr(Keys.ecP256(), "km1"), now, "used");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = token("km1").token();

        assertRefused(token, TestStates.csr(Keys.ecP256(), "km1"), now.plus(Duration.ofMinutes(16)), "expired");
    }

    @Test
    void aRevokedTokenIsRefused() {
        JoinTokens.IssuedToken token = token("km1");
        state.tokens().revoke(token.id(), now);

        assertRefused(token.token(), TestStates.csr(Keys.ecP256(), "km1"), now, "revoked");
    }

    @Test
    void anUnknownTokenIsRefused() {
        token("km1");

        assertRefused("abc123.0123456789abcdef01234567", TestStates.csr(Keys.ecP256(), "km1"), now, "unknown");
    }

    @Test
    void aTokenWithTheRightIdButAnotherSecretIsUnknown() {
        JoinTokens.IssuedToken token = token("km1");

        assertRefused(token.id() + ".000000000000000000000000", TestStates.csr(Keys.ecP256(), "km1"), now, "unknown");
        assertThat(state.tokens().list(now)).singleElement().extracting(JoinTokens.TokenInfo::status).isEqualTo(JoinTokens.Status.VALID);
    }

    @Test
    void aMalformedTokenIsRefused() {
        assertRefused("not a token", TestStates.csr(Keys.ecP256(), "km1"), now, "malformed");
        assertRefused(null, TestStates.csr(Keys.ecP256(), "km1"), now, "malformed");
    }

    @Test
    void aCsrForAnotherNodeIsRefused() {
        assertRefused(token("km1").token(), TestStates.csr(Keys.ecP256(), "gw1"), now, "cn-mismatch");
    }

    @Test
    void aTamperedCsrIsRefused() throws Exception {
        PKCS10CertificationRequest csr = TestStates.request(Keys.ecP256(), new X500Name("CN=km1"), null);
        byte[] der = csr.getEncoded();
        byte[] info = csr.toASN1Structure().getCertificationRequestInfo().getEncoded("DER");
        int at = indexOf(der, info) + info.length - 20; // inside the signed part: the public key bits
        der[at] ^= 0x01;
        String tampered = pem("CERTIFICATE REQUEST", der);

        assertRefused(token("km1").token(), tampered, now, "csr-signature");
    }

    @Test
    void aTamperedSubjectIsRefusedForItsSignatureNotItsName() throws Exception {
        PKCS10CertificationRequest csr = TestStates.request(Keys.ecP256(), new X500Name("CN=km1"), null);
        byte[] der = csr.getEncoded();
        int at = indexOf(der, "km1".getBytes(StandardCharsets.US_ASCII)) + 2;
        der[at] ^= 0x01; // km1 -> km0

        assertRefused(token("km0").token(), pem("CERTIFICATE REQUEST", der), now, "csr-signature");
    }

    @Test
    void aCsrThatIsNotPemIsRefused() {
        assertRefused(token("km1").token(), "hello", now, "csr-unparsable");
    }

    @Test
    void aWeakRsaKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);

        assertRefused(token("km1").token(), TestStates.csr(generator.generateKeyPair(), "km1"), now, "weak-key");
    }

    @Test
    void anEcKeyOnAnotherCurveIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Crypto.BC);
        generator.initialize(new ECGenParameterSpec("secp256k1"));
        KeyPair keys = generator.generateKeyPair();
        String csr = Pem.write(TestStates.request(keys, new X500Name("CN=km1"), Crypto.BC));

        assertRefused(token("km1").token(), csr, now, "weak-key");
    }

    @Test
    void anEd25519KeyIsRefused() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertRefused(token("km1").token(), TestStates.csr(keys, "km1"), now, "weak-key");
    }

    @Test
    void rsa2048AndEcP384AreAccepted() {
        assertThat(state.enrollment().enroll(token("km1").token(), TestStates.csr(Keys.rsa(2048), "km1"), now).node()).isEqualTo("km1");
        assertThat(state.enrollment().enroll(token("km2").token(), TestStates.csr(Keys.ecP384(), "km2"), now).node()).isEqualTo("km2");
    }

    @Test
    void nothingButTheNodeNameIsTakenFromTheCsr() throws Exception {
        KeyPair keys = Keys.ecP256();
        ExtensionsGenerator asked = new ExtensionsGenerator();
        asked.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "evil.example")));
        asked.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=Evil, CN=km1"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, asked.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));

        X509Certificate cert = state.enrollment().enroll(token("km1").token(), Pem.write(csr), now).certificate();

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=km1");
        assertThat(CertificateRow.subjectAltNames(cert)).containsExactly("DNS:km1");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void aRefusedCsrDoesNotSpendTheToken() {
        String token = token("km1").token();
        assertRefused(token, TestStates.csr(Keys.ecP256(), "gw1"), now, "cn-mismatch");

        assertThat(state.enrollment().enroll(token, TestStates.csr(Keys.ecP256(), "km1"), now).node()).isEqualTo("km1");
    }

    @Test
    void enrollingANodeAgainRevokesItsEarlierCertificate() {
        X509Certificate first = state.enrollment().enroll(token("km1").token(), TestStates.csr(Keys.ecP256(), "km1"), now).certificate();

        X509Certificate second = state.enrollment().enroll(token("km1").token(), TestStates.csr(Keys.ecP256(), "km1"), now).certificate();

        assertThat(state.revocations().isRevoked(first)).isTrue();
        assertThat(state.revocations().isRevoked(second)).isFalse();
        assertThat(state.agents().find("km1").orElseThrow().certificates()).hasSize(1);
    }

    @Test
    void everyAttemptIsJournalledWithTheTokenIdButNeverItsSecret() {
        JoinTokens.IssuedToken good = token("km1");
        JoinTokens.IssuedToken expired = token("km2");
        state.enrollment().enroll(good.token(), TestStates.csr(Keys.ecP256(), "km1"), now);
        refusal(good.token(), TestStates.csr(Keys.ecP256(), "km1"), now);
        refusal(expired.token(), TestStates.csr(Keys.ecP256(), "km2"), now.plus(Duration.ofHours(1)));

        List<Map<String, Object>> attempts = state.journal().stream().filter(e -> e.get("type").toString().startsWith("enroll.")).toList();
        assertThat(attempts).extracting(e -> e.get("type"), e -> fields(e).get("node"), e -> fields(e).get("tokenId"), e -> fields(e).get("reason"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("enroll.accepted", "km1", good.id(), null),
                        org.assertj.core.groups.Tuple.tuple("enroll.refused", "km1", good.id(), "used"),
                        org.assertj.core.groups.Tuple.tuple("enroll.refused", "km2", expired.id(), "expired"));
        String everything = TestStates.allText(state.dir());
        for (JoinTokens.IssuedToken t : List.of(good, expired)) {
            assertThat(everything).doesNotContain(t.token()).doesNotContain(t.token().substring(7));
        }
    }

    @Test
    void theStateHoldsNoPrivateKeyButTheCasAndTheAdmins() throws IOException {
        state.enrollment().enroll(token("km1").token(), TestStates.csr(Keys.ecP256(), "km1"), now);
        state.enrollment().enroll(token("gw1").token(), TestStates.csr(Keys.rsa(2048), "gw1"), now);

        try (Stream<Path> files = Files.walk(state.dir())) {
            List<String> withKeys = files.filter(Files::isRegularFile)
                    .filter(f -> read(f).contains("PRIVATE KEY"))
                    .map(f -> state.dir().relativize(f).toString()).sorted().toList();
            assertThat(withKeys).containsExactly("admin/admin.key", "ca/controller-peer-ca.key", "ca/fleet-ca.key", "ca/product-ca.key");
        }
    }

    @Test
    void aTokenGivenTwiceInOneBatchIsSpentOnceAndRefusedAsUsedTheSecondTime() {
        String token = token("km1").token();
        Enrollment.Request first = request(token, "km1");
        Enrollment.Request second = request(token, "km1");

        List<Enrollment.Outcome> outcomes = state.enrollment().enrollAll(List.of(first, second), now);

        assertThat(outcomes.get(0).result().node()).isEqualTo("km1");
        assertThat(outcomes.get(1).result()).isNull();
        assertThat(outcomes.get(1).refusal().code()).isEqualTo("used");
        assertThat(state.agents().find("km1").orElseThrow().certificates()).singleElement()
                .extracting(AgentRegistry.IssuedCertificate::serial).isEqualTo(outcomes.get(0).result().serial());
    }

    @Test
    void aBatchAnswersAndJournalsEachRequestInItsOrder() {
        JoinTokens.IssuedToken km1 = token("km1");
        JoinTokens.IssuedToken gw1 = token("gw1");

        List<Enrollment.Outcome> outcomes = state.enrollment().enrollAll(List.of(
                request(km1.token(), "km1"), request(gw1.token(), "other"), request(gw1.token(), "gw1")), now);

        assertThat(outcomes).extracting(o -> o.result() == null ? o.refusal().code() : o.result().node())
                .containsExactly("km1", "cn-mismatch", "gw1");
        assertThat(state.journal().stream().filter(e -> e.get("type").toString().startsWith("enroll.")).toList())
                .extracting(e -> e.get("type"), e -> fields(e).get("node"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("enroll.accepted", "km1"),
                        org.assertj.core.groups.Tuple.tuple("enroll.refused", "gw1"),
                        org.assertj.core.groups.Tuple.tuple("enroll.accepted", "gw1"));
    }

    @Test
    void aBadTokenIsReportedBeforeABadCsrCheckedOutsideTheLock() {
        Enrollment.Request request = new Enrollment.Request("abcdef.0123456789abcdef01234567", Enrollment.CheckedCsr.of("not a csr"));

        assertThat(state.enrollment().enrollAll(List.of(request), now).get(0).refusal().code()).isEqualTo("unknown");
    }

    @Test
    void aRequestShowsItsTokenIdButNeverTheToken() {
        String token = token("km1").token();

        assertThat(request(token, "km1").toString()).contains(token.substring(0, 6)).doesNotContain(token.substring(7));
    }

    // ------------------------------------------------------------------ helpers

    /** Refused with {@code code}; nothing issued: agents.json and the CA's serial ledger unchanged. */
    private void assertRefused(String token, String csr, Instant at, String code) {
        String agents = read(state.dir().resolve("agents.json"));
        String issued = read(state.dir().resolve("ca/issued.json"));

        EnrollmentRefused refused = refusal(token, csr, at);

        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.code()).isEqualTo(code);
        assertThat(refused.getMessage()).isNotBlank();
        assertThat(read(state.dir().resolve("agents.json"))).isEqualTo(agents);
        assertThat(read(state.dir().resolve("ca/issued.json"))).isEqualTo(issued);
        Map<String, Object> last = state.journal().get(state.journal().size() - 1);
        assertThat(last).containsEntry("type", "enroll.refused");
        assertThat(fields(last)).containsEntry("reason", code);
        if (token != null && token.matches("[a-z0-9]{6}\\..{16,}")) {
            assertThat(TestStates.allText(state.dir())).doesNotContain(token).doesNotContain(token.substring(7));
        }
    }

    private static Enrollment.Request request(String token, String node) {
        return new Enrollment.Request(token, Enrollment.CheckedCsr.of(TestStates.csr(Keys.ecP256(), node)));
    }

    private EnrollmentRefused refusal(String token, String csr, Instant at) {
        return catchThrowableOfType(EnrollmentRefused.class, () -> state.enrollment().enroll(token, csr, at));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(Map<String, Object> event) {
        return (Map<String, Object>) event.get("fields");
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        java.io.StringWriter text = new java.io.StringWriter();
        try (org.bouncycastle.util.io.pem.PemWriter writer = new org.bouncycastle.util.io.pem.PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return text.toString();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
