package io.apimfleet.agent.enroll;

import io.apimfleet.agent.cli.AgentCommand;
import io.apimfleet.agent.testing.FakeController;
import io.apimfleet.agent.testing.TestCa;
import io.apimfleet.bundle.HostSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class JoinTest {
    @TempDir
    Path dir;
    Path state;
    TestCa ca;
    FakeController controller;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        state = dir.resolve("agent-state");
        ca = TestCa.create("apim-fleet fleet CA test");
        controller = FakeController.start(ca);
    }

    @AfterEach
    void tearDown() throws Exception {
        controller.close();
    }

    private int join(String... more) {
        List<String> args = new ArrayList<>(List.of("join", "--controller", controller.url(), "--node", "km1",
                "--state", state.toString()));
        args.addAll(List.of(more));
        CommandLine cl = AgentCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args.toArray(String[]::new));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void joinWithTheRightPinStoresTheIdentityReadableOnlyByTheAgent() throws Exception {
        Path home = Files.createDirectories(dir.resolve("wso2am-2.2.0"));
        int status = join("--token", FakeController.TOKEN, "--ca-hash", ca.pin(), "--home", home.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("joined the fleet as km1", "fleet-agent run --state " + state)
                .doesNotContain(FakeController.TOKEN);
        assertThat(err.toString()).isEmpty();
        assertThat(controller.enrollments).singleElement().satisfies(e -> assertThat(e.token()).isEqualTo(FakeController.TOKEN));

        AgentState stored = new AgentState(state);
        assertThat(mode(state)).isEqualTo("rwx------");
        assertThat(mode(stored.identityDir())).isEqualTo("rwx------");
        for (Path file : List.of(stored.certificateFile(), stored.caFile(), stored.linkFile(), state.resolve("host-secrets.json"))) {
            assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
        }
        try (Stream<Path> files = Files.walk(state)) {
            assertThat(files.map(p -> state.relativize(p).toString()).filter(p -> !p.isEmpty()).sorted().toList())
                    .containsExactly("host-secrets.json", "identity", "identity/agent.crt", "identity/ca.crt", "identity/controller.json");
        }

        ControllerLink link = stored.readLink();
        assertThat(link).isEqualTo(new ControllerLink(controller.url(), List.of(controller.bridgeEndpoint()), "km1", home.toString()));
        Identity identity = stored.loadIdentity();
        assertThat(identity.node()).isEqualTo("km1");
        assertThat(identity.ca()).isEqualTo(ca.certificate());
        // the key was made here: it pairs with the certificate and is nowhere but the host secrets
        assertThat(AgentState.pairs(identity.key(), identity.certificate())).isTrue();
        HostSecrets secrets = stored.hostSecrets();
        assertThat(secrets.lookup(HostKeys.IDENTITY_KEY)).isPresent();
        assertThat(secrets.lookup(HostKeys.IDENTITY_KEY_NEXT).orElse("")).isEmpty();
        assertThat(controller.enrollments.get(0).csr()).doesNotContain("PRIVATE KEY");
        assertThat(Files.readString(stored.linkFile())).doesNotContain(FakeController.TOKEN);
    }

    @Test
    void anIdentityIssuedUnderAJoinedControllersIntermediateIsStoredWithItAndPresentedWithIt() throws Exception {
        controller.close();
        TestCa intermediate = ca.intermediate("apim-fleet fleet intermediate test");
        controller = FakeController.start(intermediate);

        int status = join("--token", FakeController.TOKEN, "--ca-hash", ca.pin());

        assertThat(status).as(err.toString()).isZero();
        Identity identity = new AgentState(state).loadIdentity();
        assertThat(identity.ca()).isEqualTo(ca.certificate());
        assertThat(identity.issuers()).containsExactly(intermediate.certificate());
        // the fake bridge trusts the root alone: it takes the agent only with the intermediate presented
        javax.net.ssl.SSLContext context = identity.sslContext();
        String[] endpoint = controller.bridgeEndpoint().split(":");
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket(endpoint[0], Integer.parseInt(endpoint[1]))) {
            socket.startHandshake();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> controller.bridgeConnections.get() == 1);
        }
    }

    @Test
    void aCertificateWhoseIntermediateIsMissingIsNotStored() throws Exception {
        controller.close();
        controller = FakeController.start(ca.intermediate("apim-fleet fleet intermediate test"), ca.server("127.0.0.1", "localhost"));
        controller.omitIntermediates = true;

        int status = join("--token", FakeController.TOKEN, "--ca-hash", ca.pin());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("does not lead to the pinned fleet CA");
        assertThat(new AgentState(state).hasIdentity()).isFalse();
    }

    @Test
    void aCertificateForAnotherKeyThanTheOneMadeHereIsNotStored() throws Exception {
        controller.certifyAnotherKey = true;

        int status = join("--token", FakeController.TOKEN, "--ca-hash", ca.pin());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("is not for the key made on this host");
        assertThat(new AgentState(state).hasIdentity()).isFalse();
        assertThat(new AgentState(state).hostSecrets().lookup(HostKeys.IDENTITY_KEY_NEXT).orElse("")).isEmpty();
    }

    /**
     * Root joins a host whose state directory the packages gave to the service user: everything
     * join writes belongs to that user, with the usual modes. Needs root (CI runs as root).
     */
    @Test
    void joinAsRootLeavesEveryFileToTheStateDirectorysOwner() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED: join as root needs root (giving files away is root's alone); this runs as " + System.getProperty("user.name"));
        UserPrincipal nobody = state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        GroupPrincipal nogroup = state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup");
        Files.createDirectories(state);
        Files.setOwner(state, nobody);
        Files.getFileAttributeView(state, PosixFileAttributeView.class).setGroup(nogroup);

        int status = join("--token", FakeController.TOKEN, "--ca-hash", ca.pin());

        assertThat(status).as(err.toString()).isZero();
        List<Path> written;
        try (Stream<Path> files = Files.walk(state)) {
            written = files.toList();
        }
        assertThat(written).hasSize(6);   // the directory, host-secrets.json, identity/ and its three files
        for (Path p : written) {
            PosixFileAttributes attributes = Files.readAttributes(p, PosixFileAttributes.class);
            assertThat(attributes.owner()).as(p.toString()).isEqualTo(nobody);
            assertThat(attributes.group()).as(p.toString()).isEqualTo(nogroup);
            assertThat(mode(p)).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
    }

    @Test
    void aWrongPinStopsBeforeTheTokenIsSent() throws Exception {
        String otherPin = TestCa.create("another fleet").pin();
        int status = join("--token", FakeController.TOKEN, "--ca-hash", otherPin);

        assertThat(status).isEqualTo(Join.UNTRUSTED);
        assertThat(err.toString()).contains("the controller's CA does not match --ca-hash; nothing was sent",
                "CN=apim-fleet fleet CA test CA " + ca.pin(), "expected a CA with " + otherPin);
        assertThat(controller.httpConnections.get()).as("the handshake happened").isPositive();
        assertThat(controller.httpRequests.get()).as("no request, so no token, reached the controller").isZero();
        assertThat(controller.enrollments).isEmpty();
        assertThat(new AgentState(state).hasIdentity()).isFalse();
    }

    @Test
    void aCaHashOfTheServerCertificateItselfIsNotACaAndDoesNotCount() throws Exception {
        TestCa.Issued server = ca.server("127.0.0.1");
        controller.close();
        controller = FakeController.start(ca, server);
        int status = join("--token", FakeController.TOKEN, "--ca-hash", CaPin.of(server.certificate()).toString());

        assertThat(status).isEqualTo(Join.UNTRUSTED);
        assertThat(controller.httpRequests.get()).isZero();
    }

    @Test
    void aJoinInMemoryChecksThePinAndTheCertificateAndStoresNothing() throws Exception {
        java.net.URI url = java.net.URI.create(controller.url());
        java.security.cert.X509Certificate pinned = Join.pinnedCa(url, CaPin.parse(ca.pin()));
        java.net.http.HttpClient http = Join.enrollClient(pinned);

        Identity identity = Join.joinInMemory(http, url, FakeController.TOKEN, pinned, "km1");

        assertThat(identity.node()).isEqualTo("km1");
        assertThat(AgentState.commonName(identity.certificate())).isEqualTo("km1");
        assertThat(AgentState.pairs(identity.key(), identity.certificate())).isTrue();
        assertThat(controller.enrollments).singleElement().satisfies(e -> assertThat(e.token()).isEqualTo(FakeController.TOKEN));
        assertThat(state).doesNotExist();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Join.joinInMemory(http, url, "zzzzzz.notthetokenatallnotthetoken", pinned, "km1"))
                .isInstanceOfSatisfying(Join.Failure.class, f -> assertThat(f.exitCode()).isEqualTo(Join.REFUSED));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Join.pinnedCa(url, CaPin.parse("sha256:" + "0".repeat(64))))
                .isInstanceOfSatisfying(Join.Failure.class, f -> assertThat(f.exitCode()).isEqualTo(Join.UNTRUSTED));
    }

    @Test
    void aJoinInMemoryRefusesACertificateForAnotherKey() throws Exception {
        controller.certifyAnotherKey = true;
        java.net.URI url = java.net.URI.create(controller.url());
        java.security.cert.X509Certificate pinned = Join.pinnedCa(url, CaPin.parse(ca.pin()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Join.joinInMemory(Join.enrollClient(pinned), url, FakeController.TOKEN, pinned, "km1"))
                .isInstanceOf(Join.Failure.class).hasMessageContaining("is not for the key made on this host");
    }

    @Test
    void aRefusalIsPrintedWithItsReasonAndExitsWith2() throws Exception {
        int status = join("--token", "zzzzzz.notthetokenatallnotthetoken", "--ca-hash", ca.pin());

        assertThat(status).isEqualTo(Join.REFUSED);
        assertThat(err.toString().strip()).isEqualTo(
                "join refused: unknown (no join token with that id and secret; create one with fleet token create)");
        assertThat(new AgentState(state).hasIdentity()).isFalse();
        assertThat(new AgentState(state).hostSecrets().lookup(HostKeys.IDENTITY_KEY_NEXT).orElse(""))
                .as("the refused request's key is not kept").isEmpty();
    }

    @Test
    void aControllerWhoseCertificateDoesNotNameTheHostGetsNoToken() throws Exception {
        controller.close();
        controller = FakeController.start(ca, ca.server("controller.example"));
        int status = join("--token", FakeController.TOKEN, "--ca-hash", ca.pin());

        assertThat(status).isEqualTo(Join.FAILED);
        assertThat(err.toString()).contains("cannot enroll with the controller at 127.0.0.1:");
        assertThat(controller.httpRequests.get()).isZero();
        assertThat(new AgentState(state).hasIdentity()).isFalse();
    }

    @Test
    void anExistingIdentityIsKeptUnlessForced() throws Exception {
        assertThat(join("--token", FakeController.TOKEN, "--ca-hash", ca.pin())).isZero();
        AgentState stored = new AgentState(state);
        X509Certificate first = stored.loadIdentity().certificate();
        byte[] firstKey = stored.loadIdentity().key().getEncoded();

        assertThat(join("--token", FakeController.TOKEN, "--ca-hash", ca.pin())).isEqualTo(Join.FAILED);
        assertThat(err.toString()).contains("already has a fleet identity", "node km1", "--force");
        assertThat(controller.enrollments).hasSize(1);

        // a refused forced join leaves the working identity as it was
        assertThat(join("--token", "zzzzzz.notthetokenatallnotthetoken", "--ca-hash", ca.pin(), "--force")).isEqualTo(Join.REFUSED);
        assertThat(stored.loadIdentity().certificate()).isEqualTo(first);

        assertThat(join("--token", FakeController.TOKEN, "--ca-hash", ca.pin(), "--force")).isZero();
        Identity second = stored.loadIdentity();
        assertThat(second.certificate()).isNotEqualTo(first);
        assertThat(second.key().getEncoded()).isNotEqualTo(firstKey);
    }

    @Test
    void aNodeNameTheTokenWasNotMadeForIsRefusedByTheController() {
        controller.tokenNode = "gw1";
        assertThat(join("--token", FakeController.TOKEN, "--ca-hash", ca.pin())).isEqualTo(Join.REFUSED);
        assertThat(err.toString()).contains("join refused: cn-mismatch (the CSR names km1 but the token is for gw1)");
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThat(join("--token", FakeController.TOKEN, "--ca-hash", "8c09319f")).isEqualTo(Join.FAILED);
        assertThat(err.toString()).contains("--ca-hash must be sha256:<64 hex digits>");
        assertThat(controller.httpConnections.get()).isZero();
    }
}
