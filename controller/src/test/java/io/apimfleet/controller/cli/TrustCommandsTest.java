package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.EnrollResult;
import io.apimfleet.controller.pki.JoinTokens;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.TestStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet ca show}, {@code fleet token ...}, {@code fleet agents ...}, {@code fleet certs list} on a state directory. */
class TrustCommandsTest {
    private static final Pattern JOIN = Pattern.compile(
            "fleet-agent join --controller https://(\\S+) --node \\S+ --token ([a-z0-9]{6}\\.[a-z0-9]{16,}) --ca-hash sha256:([0-9a-f]{64})");

    @TempDir
    Path tmp;

    ControllerState state;
    String dir;

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(tmp);
        dir = state.dir().toString();
    }

    private EnrollResult enroll(String node) {
        JoinTokens.IssuedToken token = state.tokens().create(node, null, Instant.now());
        return state.enrollment().enroll(token.token(), TestStates.csr(Keys.ecP256(), node), Instant.now());
    }

    @Test
    void caShowPrintsBothCasAndThePinComputedIndependently() throws Exception {
        FleetRun run = FleetRun.of("ca", "show", "--state", dir);

        String pin = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(state.fleetCa().certificate().getPublicKey().getEncoded()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).contains("--ca-hash sha256:" + pin,
                "  subject    " + state.fleetCa().certificate().getSubjectX500Principal().getName(),
                "  subject    " + state.productCa().certificate().getSubjectX500Principal().getName(),
                "  SHA-256    " + state.fleetCa().fingerprintSha256(),
                "  SHA-256    " + state.productCa().fingerprintSha256());
        assertThat(run.out()).contains("not after  20");
    }

    @Test
    void caShowOnAJoinedControllerPrintsTheRootsWithTheirPinAndTheIntermediatesItSignsWith() throws Exception {
        ControllerState joined = TestStates.joined(state, java.nio.file.Files.createDirectories(tmp.resolve("joined")), "joined.test:7443");

        FleetRun run = FleetRun.of("ca", "show", "--state", joined.dir().toString());

        String rootPin = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(state.fleetCa().certificate().getPublicKey().getEncoded()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).contains("--ca-hash sha256:" + rootPin,
                "  subject    " + state.fleetCa().certificate().getSubjectX500Principal().getName(),
                "  this controller signs with its intermediate " + joined.fleetCa().certificate().getSubjectX500Principal().getName(),
                "  this controller signs with its intermediate " + joined.productCa().certificate().getSubjectX500Principal().getName());
    }

    @Test
    void certsListOnAJoinedControllerListsTheRootsAndItsIntermediates() throws Exception {
        ControllerState joined = TestStates.joined(state, java.nio.file.Files.createDirectories(tmp.resolve("joined")), "joined.test:7443");

        FleetRun run = FleetRun.of("certs", "list", "--state", joined.dir().toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("fleet-ca", "fleet-intermediate", "product-ca", "product-intermediate",
                state.fleetCa().fingerprintSha256(), io.apimfleet.controller.pki.Fingerprints.sha256(joined.fleetCa().certificate()));
    }

    @Test
    void caShowWithoutAStateSaysHowToMakeOne() {
        FleetRun run = FleetRun.of("ca", "show", "--state", tmp.resolve("nowhere").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().startsWith("fleet ca show: no controller state at ")
                .contains("fleet init --state");
    }

    @Test
    void tokenCreatePrintsTheExactJoinCommandOnce() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "km1", "--ttl", "1h");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(2);
        Matcher join = JOIN.matcher(run.outLines().get(1));
        assertThat(join.matches()).as(run.out()).isTrue();
        assertThat(join.group(1)).isEqualTo(TestStates.ADVERTISE);
        assertThat(join.group(3)).isEqualTo(state.fleetCa().spkiSha256());
        assertThat(run.out().split(Pattern.quote(join.group(2)), -1)).hasSize(2);
        assertThat(state.tokens().list(Instant.now())).singleElement()
                .satisfies(t -> assertThat(t.node()).isEqualTo("km1"))
                .satisfies(t -> assertThat(join.group(2)).startsWith(t.id() + "."));
    }

    @Test
    void tokenCreateCountMakesOneTokenPerNumberedNode() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "sim", "--count", "3", "--ttl", "2h");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(4);
        assertThat(run.outLines().get(0)).startsWith("3 join tokens for nodes sim1 to sim3, single use, valid until ");
        for (int i = 1; i <= 3; i++) {
            assertThat(run.outLines().get(i)).contains(" --node sim" + i + " ").matches(".*" + JOIN.pattern() + ".*");
        }
        assertThat(state.tokens().list(Instant.now())).extracting(JoinTokens.TokenInfo::node).containsExactly("sim1", "sim2", "sim3");
    }

    @Test
    void tokenCreateCountQuietPrintsNodeAndTokenPerLine() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "sim", "--count", "2", "-q");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).satisfiesExactly(
                l -> assertThat(l).matches("sim1 [a-z0-9]{6}\\.[a-z0-9]{24}"),
                l -> assertThat(l).matches("sim2 [a-z0-9]{6}\\.[a-z0-9]{24}"));
    }

    @Test
    void tokenCreateCountOutOfRangeIsRefused() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "sim", "--count", "0");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).containsExactly("fleet token create: --count must be between 1 and 100000");
        assertThat(state.tokens().list(Instant.now())).isEmpty();
    }

    @Test
    void tokenCreateQuietPrintsOnlyTheToken() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "km1", "-q");

        assertThat(run.outLines()).singleElement().asString().matches("[a-z0-9]{6}\\.[a-z0-9]{24}");
    }

    @Test
    void aBadTtlExitsTwoWithOneLine() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "km1", "--ttl", "2d");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("fleet token create: --ttl '2d' is not a duration like 90s, 15m, 1h or 1h30m");
    }

    @Test
    void aTtlOverADayExitsTwo() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "km1", "--ttl", "25h");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("at most 24h");
    }

    @Test
    void aBadNodeNameExitsTwoWithOneLine() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir, "--node", "Km_1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().startsWith("fleet token create: node name 'Km_1'");
    }

    @Test
    void tokenCreateWithoutANodeExitsTwo() {
        FleetRun run = FleetRun.of("token", "create", "--state", dir);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).first().asString().contains("--node");
        assertThat(run.err()).doesNotContain("Exception");
    }

    @Test
    void tokenListShowsIdNodeAndStatusButNeverTheToken() {
        String token = FleetRun.of("token", "create", "--state", dir, "--node", "km1", "-q").out().strip();

        FleetRun run = FleetRun.of("token", "list", "--state", dir);

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines().get(0)).isEqualTo("ID      NODE  CREATED               EXPIRES               STATUS");
        assertThat(run.outLines().get(1)).startsWith(token.substring(0, 6) + "  km1   ").endsWith("valid");
        assertThat(run.out()).doesNotContain(token).doesNotContain(token.substring(7));
    }

    @Test
    void tokenRevokeMarksItRevoked() {
        String id = FleetRun.of("token", "create", "--state", dir, "--node", "km1", "-q").out().substring(0, 6);

        FleetRun run = FleetRun.of("token", "revoke", "--state", dir, id);

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly("revoked join token " + id + " (node km1, was valid)");
        assertThat(FleetRun.of("token", "list", "--state", dir).outLines().get(1)).endsWith("revoked");
    }

    @Test
    void tokenRevokeOfAnUnknownIdExitsTwo() {
        FleetRun run = FleetRun.of("token", "revoke", "--state", dir, "zzzzzz");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("fleet token revoke: no join token with id 'zzzzzz' (fleet token list shows them)");
    }

    @Test
    void agentsListShowsEachEnrolledAgent() {
        EnrollResult km1 = enroll("km1");

        FleetRun run = FleetRun.of("agents", "list", "--state", dir);

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).hasSize(2);
        assertThat(run.outLines().get(0)).startsWith("NODE").contains("SERIAL", "NOT-AFTER", "DAYS-LEFT", "STATUS");
        assertThat(run.outLines().get(1).split("\\s+"))
                .containsExactly("km1", km1.serial(), km1.notAfter().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), "89", "valid");
    }

    @Test
    void agentsListWithNoneSaysHowToAddOne() {
        FleetRun run = FleetRun.of("agents", "list", "--state", dir);

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly("no enrolled agents (make a join token with: fleet token create --node NAME)");
    }

    @Test
    void agentsRemoveRevokesTheAgentAndDropsIt() {
        EnrollResult km1 = enroll("km1");
        enroll("gw1");

        FleetRun run = FleetRun.of("agents", "remove", "--state", dir, "km1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("removed agent km1: revoked 1 certificate (serial " + km1.serial() + ")");
        assertThat(state.revocations().isRevoked(km1.certificate())).isTrue();
        assertThat(FleetRun.of("agents", "list", "--state", dir).outLines()).hasSize(2).noneMatch(l -> l.startsWith("km1"));
    }

    @Test
    void agentsRemoveOfAnUnknownNodeExitsTwo() {
        FleetRun run = FleetRun.of("agents", "remove", "--state", dir, "ghost");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("fleet agents remove: no enrolled agent named 'ghost' (fleet agents list shows them)");
    }

    @Test
    void certsListShowsTheCasTheAdminAndTheAgents() {
        EnrollResult km1 = enroll("km1");

        FleetRun run = FleetRun.of("certs", "list", "--state", dir);

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines().get(0).split("\\s+")).containsExactly("NODE", "KIND", "CN", "SANS", "NOT-AFTER", "DAYS-LEFT", "SHA-256");
        assertThat(run.outLines()).hasSize(5);
        assertThat(run.outLines().get(1)).startsWith("controller  fleet-ca").endsWith(state.fleetCa().fingerprintSha256());
        assertThat(run.outLines().get(2)).startsWith("controller  product-ca").endsWith(state.productCa().fingerprintSha256());
        assertThat(run.outLines().get(3)).startsWith("controller  admin").contains("fleet-admin");
        assertThat(run.outLines().get(4).split("\\s+"))
                .containsExactly("km1", "agent", "km1", "DNS:km1", km1.notAfter().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                        "89", io.apimfleet.controller.pki.Fingerprints.sha256(km1.certificate()));
    }

    @Test
    void aCommandWithoutStateExitsTwo() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("FLEET_STATE") == null, "FLEET_STATE is set");

        FleetRun run = FleetRun.of("token", "list");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("fleet token list: give --state DIR (or set FLEET_STATE)");
    }

    @Test
    void theStateHoldsNoSecretOfWhatTheCommandsDid() throws Exception {
        String token = FleetRun.of("token", "create", "--state", dir, "--node", "km1", "-q").out().strip();
        state.enrollment().enroll(token, TestStates.csr(Keys.ecP256(), "km1"), Instant.now());
        FleetRun.of("agents", "remove", "--state", dir, "km1");

        assertThat(TestStates.allText(state.dir())).doesNotContain(token).doesNotContain(token.substring(7));
        assertThat(Files.readString(state.dir().resolve("journal/events.ndjson")))
                .contains("\"type\":\"token.created\"", "\"type\":\"enroll.accepted\"", "\"type\":\"agent.removed\"");
    }
}
