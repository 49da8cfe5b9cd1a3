package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet init}'s state directory: what it holds, its permissions, and that it never overwrites. */
class ControllerStateTest {
    @TempDir
    static Path shared;

    /** One real init for the tests that only look at it (an RSA 3072 key takes a while). */
    static ControllerState initialised;

    @TempDir
    Path tmp;

    @BeforeAll
    static void initOnce() {
        initialised = ControllerState.init(shared.resolve("state"), "ctl.example:7443");
    }

    @Test
    void initCreatesTheDocumentedLayout() {
        Path dir = initialised.dir();
        assertThat(List.of("config.json", "master.key", "ca/fleet-ca.crt", "ca/fleet-ca.key", "ca/product-ca.crt",
                "ca/product-ca.key", "ca/controller-peer-ca.crt", "ca/controller-peer-ca.key", "admin/admin.crt", "admin/admin.key", "admin/ca.crt", "tokens.json", "agents.json",
                "revoked.json", "journal/events.ndjson"))
                .allSatisfy(file -> assertThat(dir.resolve(file)).isRegularFile());
        assertThat(dir.resolve("master.key")).hasSize(32);
    }

    @Test
    void everyDirectoryIs0700AndEveryFile0600() throws IOException {
        Path dir = initialised.dir();

        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.toList()).allSatisfy(p -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                    .as(p.toString())
                    .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------"));
        }
    }

    @Test
    void initRefusesADirectoryThatIsNotEmptyAndLeavesItAlone() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("state"));
        Files.writeString(dir.resolve("notes.txt"), "mine");

        assertThatThrownBy(() -> ControllerState.init(dir, "ctl.example:7443"))
                .isInstanceOf(ControllerStateException.class)
                .hasMessageContaining("is not empty").hasMessageContaining("never overwrites");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.toList()).containsExactly(dir.resolve("notes.txt"));
        }
    }

    @Test
    void theControllerPeerCaIsARootOfItsOwnNotTheFleetCa() throws Exception {
        X509Certificate peer = initialised.peerCa().certificate();

        assertThat(peer.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        peer.verify(peer.getPublicKey());
        assertThat(peer.getSubjectX500Principal()).isNotEqualTo(initialised.fleetCa().certificate().getSubjectX500Principal());
        assertThat(peer.getPublicKey()).isNotEqualTo(initialised.fleetCa().certificate().getPublicKey());
        assertThat(peer.getSubjectX500Principal().getName()).contains("controller-peer CA " + initialised.fleetId());
        assertThat(ControllerState.open(initialised.dir()).peerCa().certificate()).isEqualTo(peer);
    }

    @Test
    void aStateMadeBeforeTheControllerPeerCaGetsOneWhenAskedAndKeepsIt() throws IOException {
        ControllerState older = ControllerState.init(tmp.resolve("older"), "ctl.example:7443");
        Files.delete(older.dir().resolve("ca/controller-peer-ca.crt"));
        Files.delete(older.dir().resolve("ca/controller-peer-ca.key"));

        X509Certificate made = ControllerState.open(older.dir()).peerCa().certificate();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(older.dir().resolve("ca/controller-peer-ca.key"))))
                .isEqualTo("rw-------");
        assertThat(ControllerState.open(older.dir()).peerCa().certificate()).isEqualTo(made);
        assertThat(IssuedLedger.entries(older.dir().resolve("ca/issued.json")))
                .anySatisfy(e -> assertThat(e.serial()).isEqualTo(made.getSerialNumber().toString(16)));
    }

    @Test
    void initRefusesAnExistingStateAndKeepsItsKeys() throws IOException {
        ControllerState first = initialised;
        byte[] key = Files.readAllBytes(first.dir().resolve("ca/fleet-ca.key"));

        assertThatThrownBy(() -> ControllerState.init(first.dir(), "other.example:7443"))
                .isInstanceOf(ControllerStateException.class)
                .hasMessageContaining("already holds a controller state");
        assertThat(first.dir().resolve("ca/fleet-ca.key")).hasBinaryContent(key);
        assertThat(ControllerState.open(first.dir()).advertise()).isEqualTo("ctl.example:7443");
    }

    @Test
    void initUsesAnEmptyDirectoryMakesIt0700AndDefaultsAdvertiseToThisHostOn7443() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

        ControllerState state = ControllerState.init(dir, null);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(state.advertise()).endsWith(":7443").doesNotStartWith(":");
    }

    @Test
    void aBadAdvertiseIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> ControllerState.init(tmp.resolve("state"), "ctl.example"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HOST:PORT");
        assertThat(tmp.resolve("state")).doesNotExist();
    }

    @Test
    void openWithoutInitSaysHowToCreateOne() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));

        assertThatThrownBy(() -> ControllerState.open(empty))
                .isInstanceOf(ControllerStateException.class).hasMessageContaining("fleet init --state");
        assertThatThrownBy(() -> ControllerState.open(tmp.resolve("absent")))
                .isInstanceOf(ControllerStateException.class).hasMessageContaining("no controller state at");
    }

    @Test
    void openReadsBackWhatInitMade() {
        ControllerState made = initialised;

        ControllerState opened = ControllerState.open(made.dir());

        assertThat(opened.advertise()).isEqualTo("ctl.example:7443");
        assertThat(opened.fleetCa().fingerprintSha256()).isEqualTo(made.fleetCa().fingerprintSha256());
        assertThat(opened.productCa().fingerprintSha256()).isEqualTo(made.productCa().fingerprintSha256());
        assertThat(opened.secrets().open(made.secrets().seal(new byte[] {1, 2, 3}))).containsExactly(1, 2, 3);
    }

    @Test
    void theFleetCaIsASelfSignedEcP256CaForTenYears() throws Exception {
        X509Certificate ca = TestStates.fresh(tmp).fleetCa().certificate();

        assertThat(ca.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) ca.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        ca.verify(ca.getPublicKey());
        assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(3650).plusMinutes(5));
    }

    @Test
    void theProductCaIsASelfSignedRsa3072CaForTenYears() throws Exception {
        X509Certificate ca = TestStates.fresh(tmp).productCa().certificate();

        assertThat(((RSAPublicKey) ca.getPublicKey()).getModulus().bitLength()).isEqualTo(3072);
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        ca.verify(ca.getPublicKey());
        assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(3650).plusMinutes(5));
    }

    @Test
    void theAdminCertificateIsAClientCertificateOfTheFleetCa() throws Exception {
        ControllerState state = TestStates.fresh(tmp);
        X509Certificate admin = state.adminCertificate();

        admin.verify(state.fleetCa().certificate().getPublicKey());
        assertThat(admin.getSubjectX500Principal().getName()).isEqualTo("CN=fleet-admin");
        assertThat(admin.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(admin.getBasicConstraints()).isEqualTo(-1);
        assertThat(Duration.between(admin.getNotBefore().toInstant(), admin.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(730).plusMinutes(5));
        assertThat(Pem.readCertificate(state.dir().resolve("admin/ca.crt"))).isEqualTo(state.fleetCa().certificate());
        assertThat(Pem.readPrivateKey(state.dir().resolve("admin/admin.key")).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void recordAppendsOneJsonLinePerEvent() {
        ControllerState state = TestStates.fresh(tmp);
        int before = state.journal().size();

        state.record("test.event", Map.of("node", "km1"));

        List<Map<String, Object>> journal = state.journal();
        assertThat(journal).hasSize(before + 1);
        assertThat(journal.get(before)).containsEntry("type", "test.event").containsKey("time")
                .containsEntry("fields", Map.of("node", "km1"));
    }

    @Test
    void recordRedactsAnythingShapedLikeAJoinTokenOrAPrivateKey() throws IOException {
        ControllerState state = TestStates.fresh(tmp);

        state.record("test.event", Map.of("oops", "abc123.0123456789abcdefghij", "key", "-----BEGIN PRIVATE KEY-----"));

        assertThat(Files.readString(state.dir().resolve("journal/events.ndjson")))
                .doesNotContain("0123456789abcdefghij").doesNotContain("BEGIN PRIVATE KEY").contains("(redacted)");
    }

    @Test
    void eachLeadershipEpochTakenIsNewerThanTheLastEvenAfterTheStateIsOpenedAgain() {
        ControllerState state = TestStates.fresh(tmp);
        long first = state.nextEpoch();
        long second = state.nextEpoch();

        long afterReopen = ControllerState.open(state.dir()).nextEpoch();

        assertThat(second).isGreaterThan(first);
        assertThat(afterReopen).isGreaterThan(second);
    }
}
