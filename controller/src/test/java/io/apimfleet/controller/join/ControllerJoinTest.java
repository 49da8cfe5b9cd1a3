package io.apimfleet.controller.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.pki.ControllerAdmission;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.JoinTokens;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.BridgePing;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.protocol.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet controller join} against a running first controller (127.0.0.124): the token, what
 * crosses the wire, the joined state, and the chains each controller then accepts from the other's
 * agents and admin (the joined controller runs on 127.0.0.125).
 */
class ControllerJoinTest {
    private static final String FIRST = "127.0.0.124";
    private static final String JOINED = "127.0.0.125";

    @TempDir
    Path tmp;

    RunningController first;
    RunningController joined;

    @BeforeEach
    void setUp() throws Exception {
        first = RunningController.admitting(TestStates.fresh(Files.createDirectories(tmp.resolve("first"))), FIRST);
    }

    @AfterEach
    void tearDown() {
        if (joined != null) {
            joined.close();
        }
        first.close();
    }

    private String pin() {
        return "sha256:" + first.state().fleetCa().spkiSha256();
    }

    private String controllerToken() {
        return first.state().tokens().createForController(Duration.ofMinutes(15), Instant.now()).token();
    }

    private ControllerJoin.Request request(String token, Path dir) {
        return new ControllerJoin.Request(first.api(), token, pin(), dir, JOINED + ":7443", JOINED);
    }

    /** What {@code agent} got for a ping to the bridge at {@code host:port}, trusting the fleet root alone. */
    private String pingAs(AgentIdentity agent, String host, int port) {
        return BridgePing.with(ControllerClient.tls(agent.key(), agent.chain(), first.state().fleetCa().root()), host, port);
    }

    private ControllerState join() {
        return ControllerJoin.join(request(controllerToken(), tmp.resolve("joined")), Instant.now());
    }

    @Test
    void theJoinedStateHoldsItsOwnIntermediatesUnderTheFirstControllersRootsAndNoRootKey() {
        ControllerState state = join();

        assertThat(state.fleetCa().intermediate()).isTrue();
        assertThat(state.fleetCa().root()).isEqualTo(first.state().fleetCa().root());
        assertThat(state.productCa().root()).isEqualTo(first.state().productCa().root());
        assertThat(state.peerCa().root()).isEqualTo(first.state().peerCa().root());
        assertThat(state.fleetCa().certificate().getBasicConstraints()).isZero();
        assertThat(state.fleetId()).isEqualTo(first.state().fleetId());
        assertThat(state.dir().resolve("ca/fleet-ca.key")).doesNotExist();
        assertThat(state.dir().resolve("ca/product-ca.key")).doesNotExist();
        assertThat(state.dir().resolve("ca/controller-peer-ca.key")).doesNotExist();
    }

    @Test
    void theJoinAnswerHoldsCertificatesAndNoPrivateKey() throws Exception {
        KeyPair fleet = Keys.ecP256();
        X500Name subject = new X500Name("CN=joining");
        ControllerAdmission.Request request = new ControllerAdmission.Request(controllerToken(), JOINED + ":7443",
                Keys.csr(fleet, subject), Keys.csr(Keys.rsa(2048), subject), Keys.csr(Keys.ecP256(), subject));
        ControllerClient anonymous = new ControllerClient(first.api(), ControllerClient.tls(null, null, first.state().fleetCa().root()));

        HttpResponse<String> answer = anonymous.send(HttpRequest.newBuilder(anonymous.uri("/v1/controllers/join"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(request))).build());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("PRIVATE KEY").contains("BEGIN CERTIFICATE");
        ControllerAdmission.Grant grant = Json.mapper().readValue(answer.body(), ControllerAdmission.Grant.class);
        assertThat(Pem.certificate(grant.fleetChain()).getPublicKey()).isEqualTo(fleet.getPublic());
    }

    @Test
    void aControllerTokenWorksOnce() {
        String token = controllerToken();
        ControllerJoin.join(request(token, tmp.resolve("joined")), Instant.now());

        assertThatThrownBy(() -> ControllerJoin.join(request(token, tmp.resolve("again")), Instant.now()))
                .isInstanceOfSatisfying(JoinFailed.class, e -> assertThat(e.kind()).isEqualTo(JoinFailed.Kind.REFUSED))
                .hasMessageContaining("already used");
        assertThat(tmp.resolve("again")).doesNotExist();
    }

    @Test
    void anExpiredControllerTokenIsRefusedSayingItExpired() {
        String token = first.state().tokens().createForController(Duration.ofMinutes(1), Instant.now().minus(Duration.ofHours(1))).token();

        assertThatThrownBy(() -> ControllerJoin.join(request(token, tmp.resolve("joined")), Instant.now()))
                .isInstanceOfSatisfying(JoinFailed.class, e -> assertThat(e.kind()).isEqualTo(JoinFailed.Kind.REFUSED))
                .hasMessageContaining("expired");
    }

    @Test
    void anUnknownTokenIsRefusedSayingItIsNotKnown() {
        assertThatThrownBy(() -> ControllerJoin.join(request("abcdef.0123456789abcdefghijklmn", tmp.resolve("joined")), Instant.now()))
                .isInstanceOfSatisfying(JoinFailed.class, e -> assertThat(e.kind()).isEqualTo(JoinFailed.Kind.REFUSED))
                .hasMessageContaining("not known")
                .hasMessageNotContaining("0123456789abcdefghijklmn");
    }

    @Test
    void anAgentsJoinTokenIsRefusedForAController() {
        String agentToken = first.state().tokens().create("km1", null, Instant.now()).token();

        assertThatThrownBy(() -> ControllerJoin.join(request(agentToken, tmp.resolve("joined")), Instant.now()))
                .isInstanceOfSatisfying(JoinFailed.class, e -> assertThat(e.kind()).isEqualTo(JoinFailed.Kind.REFUSED))
                .hasMessageContaining("not known");
    }

    @Test
    void aControllerTokenIsRefusedForAnAgent() {
        String token = controllerToken();

        assertThatThrownBy(() -> first.state().enrollment().enroll(token, TestStates.csr(Keys.ecP256(), "km1"), Instant.now()))
                .hasMessageContaining("not known");
    }

    @Test
    void aWrongPinStopsTheJoinBeforeTheTokenIsSent() {
        String token = controllerToken();
        String otherPin = "sha256:" + ControllerState.init(tmp.resolve("other"), "other.test:7443").fleetCa().spkiSha256();

        assertThatThrownBy(() -> ControllerJoin.join(new ControllerJoin.Request(first.api(), token, otherPin, tmp.resolve("joined"),
                JOINED + ":7443", JOINED), Instant.now()))
                .isInstanceOfSatisfying(JoinFailed.class, e -> assertThat(e.kind()).isEqualTo(JoinFailed.Kind.UNTRUSTED));
        assertThat(first.state().tokens().list(Instant.now())).singleElement()
                .extracting(JoinTokens.TokenInfo::status).isEqualTo(JoinTokens.Status.VALID);
    }

    @Test
    void theClusterSecretsArriveSoTheJoinedControllerOpensTheFirstOnesSecretStore() {
        new SecretStore(first.state()).put("db-password", "s3cret-value-1", Instant.now());

        ControllerState state = join();

        assertThat(new SecretStore(state).get("db-password")).contains("s3cret-value-1");
        assertThat(first.journal("controller.secrets.sent")).hasSize(1);
    }

    @Test
    void anAgentTheJoinedControllerEnrolledIsAcceptedByTheFirstControllersBridge() {
        AgentIdentity km1 = AgentIdentity.enroll(join(), "km1");

        assertThat(km1.chain()).hasSize(2);
        assertThat(pingAs(km1, FIRST, first.bridgePort()))
                .isEqualTo("pong");
    }

    @Test
    void anAgentTheFirstControllerEnrolledIsAcceptedByTheJoinedControllersBridge() {
        joined = RunningController.on(join(), JOINED);
        AgentIdentity km1 = first.enroll("km1");

        assertThat(pingAs(km1, JOINED, joined.bridgePort()))
                .isEqualTo("pong");
    }

    @Test
    void anAgentTheJoinedControllerEnrolledIsAcceptedByTheJoinedControllersBridge() {
        joined = RunningController.on(join(), JOINED);
        AgentIdentity km1 = joined.enroll("km1");

        assertThat(pingAs(km1, JOINED, joined.bridgePort()))
                .isEqualTo("pong");
    }

    @Test
    void theJoinedControllersAdminCertificateIsAcceptedByTheFirstController() {
        ControllerState state = join();

        assertThat(ControllerClient.admin(state.dir(), first.api()).agents()).isEmpty();
    }

    @Test
    void theFirstControllersAdminCertificateIsAcceptedByTheJoinedController() {
        joined = RunningController.on(join(), JOINED);

        assertThat(ControllerClient.admin(first.state().dir(), joined.api()).agents()).isEmpty();
    }

    @Test
    void aJoinedControllerCannotAdmitAnotherController() {
        joined = RunningController.admitting(join(), JOINED);
        String token = joined.state().tokens().createForController(Duration.ofMinutes(5), Instant.now()).token();
        X509Certificate root = joined.state().fleetCa().root();

        assertThatThrownBy(() -> ControllerJoin.join(new ControllerJoin.Request(joined.api(), token, "sha256:" + joined.state().fleetCa().spkiSha256(),
                tmp.resolve("third"), JOINED + ":7444", JOINED), Instant.now()))
                .isInstanceOf(JoinFailed.class)
                .hasMessageContaining("first controller");
        assertThat(root).isEqualTo(first.state().fleetCa().root());
        assertThat(Files.exists(tmp.resolve("third"))).isFalse();
    }

    @Test
    void anAgentRevokedAtTheJoinedControllerIsRefusedThere() {
        joined = RunningController.on(join(), JOINED);
        AgentIdentity km1 = joined.enroll("km1");
        joined.state().agents().remove("km1", Instant.now());

        assertThat(pingAs(km1, JOINED, joined.bridgePort()))
                .isEqualTo("closed");
    }

    @Test
    void theJoinIsJournalledOnBothSidesWithoutTheToken() {
        String token = controllerToken();
        ControllerState state = ControllerJoin.join(request(token, tmp.resolve("joined")), Instant.now());

        assertThat(first.journal("controller.admitted")).hasSize(1);
        assertThat(state.journal()).anySatisfy(e -> assertThat(e.get("type")).isEqualTo("state.joined"));
        assertThat(first.state().journal().toString()).doesNotContain(token.substring(7));
        assertThat(state.journal().toString()).doesNotContain("PRIVATE KEY");
    }
}
