package io.apimfleet.agent.run;

import io.apimfleet.agent.link.EpochFence;
import io.apimfleet.agent.enroll.AgentState;
import io.apimfleet.agent.enroll.CaPin;
import io.apimfleet.agent.enroll.ControllerLink;
import io.apimfleet.agent.enroll.HostKeys;
import io.apimfleet.agent.enroll.Identity;
import io.apimfleet.agent.enroll.Join;
import io.apimfleet.agent.link.LinkSettings;
import io.apimfleet.agent.testing.FakeController;
import io.apimfleet.agent.testing.MutableClock;
import io.apimfleet.agent.testing.TestCa;
import io.apimfleet.bundle.stage.Checkpoints;
import io.apimfleet.protocol.link.LinkAdvice;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.bundle.FileChange;
import io.apimfleet.protocol.bundle.XmlSet;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.Heartbeat;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AgentDaemonTest {
    private static final String CARBON = "<Server>\n    <Ports>\n        <Offset>0</Offset>\n    </Ports>\n</Server>\n";
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final LinkSettings FAST = new LinkSettings(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5));

    @TempDir
    Path dir;
    Path state;
    Path home;
    TestCa ca;
    FakeController controller;
    final MutableClock clock = new MutableClock();
    final List<String> log = new CopyOnWriteArrayList<>();
    AgentDaemon agent;

    @BeforeEach
    void setUp() throws Exception {
        ca = TestCa.create("apim-fleet fleet CA test");
        controller = FakeController.start(ca);
        home = dir.resolve("wso2am-2.2.0");
        Files.createDirectories(home.resolve("repository/conf"));
        Files.writeString(home.resolve("repository/conf/carbon.xml"), CARBON);
        state = dir.resolve("state");
        controller.certificateBackdate = Duration.ofDays(1);
        join();
    }

    private void join() {
        Join.join(new Join.Request(URI.create(controller.url()), FakeController.TOKEN, CaPin.parse(ca.pin()), new AgentState(state),
                "km1", home, true));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.stop().await(5, TimeUnit.SECONDS);
        }
        controller.close();
    }

    private AgentDaemon start(Checkpoints checkpoints) {
        AgentSettings settings = new AgentSettings(FAST, Duration.ofMillis(100), clock, new Random(1), line -> {
            log.add(line);
            System.out.println("agent: " + line);
        }, checkpoints, Map.of());
        agent = AgentDaemon.start(state, null, settings);
        return agent;
    }

    private AgentDaemon startConnected() {
        start(Checkpoints.NONE);
        await().atMost(DEADLINE).until(() -> agent.link().isUp() && !controller.registrations.isEmpty());
        return agent;
    }

    private static AgentReply answer(java.util.concurrent.CompletableFuture<AgentReply> reply) throws Exception {
        return reply.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private Bundle bundle(long revision, String offset) {
        return new Bundle("km1", revision, List.of(XmlSet.text("repository/conf/carbon.xml", "/Server/Ports/Offset", offset)));
    }

    @Test
    void registersItsCommandAddressAndHeartbeatsWithFacts() {
        startConnected();
        assertThat(controller.registrations).containsExactly("km1 fleet.agent.km1.cmd");
        assertThat(controller.refusedRegistrations).isEmpty();
        await().atMost(DEADLINE).until(() -> controller.heartbeats.size() >= 3);

        Heartbeat last = controller.heartbeats.get(controller.heartbeats.size() - 1);
        assertThat(last.sentAt()).isNotNull();
        Facts facts = last.facts();
        assertThat(facts.hostname()).isNotBlank();
        assertThat(facts.os()).contains(System.getProperty("os.name"));
        assertThat(facts.java()).contains(String.valueOf(Runtime.version().feature()));
        assertThat(facts.home()).isEqualTo(home.toAbsolutePath().toString());
        assertThat(facts.homeExists()).isTrue();
        assertThat(facts.productVersion()).isEqualTo("2.2.0");
        assertThat(facts.freeDiskBytes()).isPositive();
        assertThat(facts.productState()).isEqualTo("unknown");
        assertThat(facts.bundleRevision()).isZero();
        assertThat(facts.agentVersion()).isNotBlank();
        assertThat(log).anyMatch(l -> l.equals("link: connected to " + controller.bridgeEndpoint() + " as km1"));
    }

    @Test
    void answersFactsAndPlanRequestsOnTheirReplyAddress() throws Exception {
        startConnected();
        AgentReply facts = answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.FACTS)));
        assertThat(facts.ok()).isTrue();
        assertThat(facts.facts().home()).isEqualTo(home.toAbsolutePath().toString());

        AgentReply plan = answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.PLAN, bundle(3, "2"), false)));
        assertThat(plan.ok()).as(plan.error()).isTrue();
        assertThat(plan.result().dryRun()).isTrue();
        assertThat(plan.result().files()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("repository/conf/carbon.xml");
            assertThat(f.kind()).isEqualTo(FileChange.Kind.MODIFIED);
            assertThat(f.diff()).contains("-        <Offset>0</Offset>", "+        <Offset>2</Offset>");
        });
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).isEqualTo(CARBON);

        AgentReply elsewhere = answer(controller.request("km1",
                new AgentRequest(AgentRequest.Kind.PLAN, new Bundle("gw1", 1, List.of()), false)));
        assertThat(elsewhere.ok()).isFalse();
        assertThat(elsewhere.error()).isEqualTo("the bundle is for node gw1; this host is km1");

        AgentReply missing = answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.PLAN, new Bundle("km1", 4,
                List.of(XmlSet.text("repository/conf/carbon.xml", "/Server/Ports/Offset", "${secret:offset}"))), false)));
        assertThat(missing.ok()).isFalse();
        assertThat(missing.error()).contains("offset");
    }

    @Test
    void aRequestFromAnOlderLeadershipEpochThanOneSeenIsRefusedAndNotCarriedOut() throws Exception {
        startConnected();
        assertThat(answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.FACTS), 4)).ok()).isTrue();

        AgentReply stale = answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.APPLY, bundle(3, "2"), false), 3));

        assertThat(stale.ok()).isFalse();
        assertThat(stale.error()).contains("leadership epoch 3", "epoch 4", "no longer leads");
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).isEqualTo(CARBON);
    }

    @Test
    void theNewestLeadershipEpochSeenOutlivesAnAgentRestart() throws Exception {
        startConnected();
        assertThat(answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.FACTS), 7)).ok()).isTrue();
        assertThat(Files.readString(state.resolve(EpochFence.FILE)).trim()).isEqualTo("7");
        agent.stop().await(5, TimeUnit.SECONDS);

        start(Checkpoints.NONE);
        await().atMost(DEADLINE).until(() -> agent.link().isUp() && controller.registrations.size() == 2);

        assertThat(answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.FACTS), 6)).error()).contains("epoch 7");
        assertThat(answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.FACTS), 7)).ok()).isTrue();
    }

    @Test
    void aSecretThatComesWithTheRequestIsWrittenAndNeverEchoed() throws Exception {
        startConnected();
        Bundle bundle = new Bundle("km1", 5, List.of(XmlSet.text("repository/conf/carbon.xml", "/Server/Ports/Offset", "${secret:offset}")));
        AgentReply applied = answer(controller.request("km1", AgentRequest.withSecrets(AgentRequest.Kind.APPLY, bundle, Map.of("offset", "7"))));
        assertThat(applied.ok()).as(applied.error()).isTrue();
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).contains("<Offset>7</Offset>");
        assertThat(applied.result().diff()).doesNotContain("<Offset>7</Offset>");
    }

    @Test
    void aTlsCsrKeepsTheHostsKeyUntilANewOneIsAskedFor() throws Exception {
        startConnected();
        AgentReply first = answer(controller.request("km1", AgentRequest.tlsCsr("km1.example", false)));
        AgentReply again = answer(controller.request("km1", AgentRequest.tlsCsr("km1.example", false)));
        AgentReply renewed = answer(controller.request("km1", AgentRequest.tlsCsr("km1.example", true)));
        assertThat(first.ok()).as(first.error()).isTrue();
        assertThat(publicKey(again.output())).isEqualTo(publicKey(first.output()));
        assertThat(publicKey(renewed.output())).isNotEqualTo(publicKey(first.output()));
        assertThat(first.output()).startsWith("-----BEGIN CERTIFICATE REQUEST-----").doesNotContain("PRIVATE KEY");
    }

    private static java.security.PublicKey publicKey(String csrPem) throws Exception {
        try (org.bouncycastle.openssl.PEMParser parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(csrPem))) {
            return new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(
                    (org.bouncycastle.pkcs.PKCS10CertificationRequest) parser.readObject()).getPublicKey();
        }
    }

    @Test
    void metricsServedOnRequestCountTheLinkTheHeartbeatsAndTheRequests() throws Exception {
        startConnected();
        int port = agent.serveMetrics("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.FACTS)));
        await().atMost(DEADLINE).until(() -> agent.link().heartbeatsSent() > 0);
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("fleet_agent_connected 1.0")
                .containsPattern("fleet_agent_heartbeats_total [1-9]")
                .contains("fleet_agent_reconnect_spread_seconds 0.1")
                .contains("fleet_agent_requests_seconds_count{kind=\"facts\",outcome=\"ok\"} 1");
    }

    @Test
    void aSecondBundleRequestWhileOneRunsIsRefusedWithAReason() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(label -> {
            if (label.equals("staged")) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        await().atMost(DEADLINE).until(() -> agent.link().isUp() && !controller.registrations.isEmpty());

        var first = controller.request("km1", new AgentRequest(AgentRequest.Kind.APPLY, bundle(4, "2"), false));
        assertThat(held.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        AgentReply second = answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.APPLY, bundle(5, "3"), false)));
        assertThat(second.ok()).isFalse();
        assertThat(second.error()).matches("another bundle request is running on this host \\(apply, started \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z\\)");
        AgentReply rollback = answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.ROLLBACK, null, false)));
        assertThat(rollback.error()).startsWith("another bundle request is running on this host (apply, started ");
        // facts are not bundle requests: answered while the apply runs
        assertThat(answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.FACTS))).ok()).isTrue();
        assertThat(first).isNotDone();

        release.countDown();
        AgentReply applied = answer(first);
        assertThat(applied.ok()).as(applied.error()).isTrue();
        assertThat(applied.result().changed()).isTrue();
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).contains("<Offset>2</Offset>");
        await().atMost(DEADLINE).until(() -> controller.heartbeats.get(controller.heartbeats.size() - 1).facts().bundleRevision() == 4);

        AgentReply notThatOne = answer(controller.request("km1", AgentRequest.rollback(5)));
        assertThat(notThatOne.error()).contains("revision 5 is not the one applied");
        AgentReply undone = answer(controller.request("km1", AgentRequest.rollback(4)));
        assertThat(undone.ok()).as(undone.error()).isTrue();
        assertThat(undone.rollback().undoneRevision()).isEqualTo(4);
        assertThat(Files.readString(home.resolve("repository/conf/carbon.xml"))).isEqualTo(CARBON);
    }

    @Test
    void reconnectsAndRegistersAgainWhenTheControllerDropsTheLink() {
        startConnected();
        controller.dropAgents();
        await().atMost(DEADLINE).until(() -> controller.registrations.size() == 2 && agent.link().isUp());
        assertThat(agent.link().connections()).isEqualTo(2);
        assertThat(controller.registrations).containsOnly("km1 fleet.agent.km1.cmd");
        assertThat(log).anyMatch(l -> l.startsWith("link: lost " + controller.bridgeEndpoint() + " after ") && l.contains("; retrying in "));
        int heartbeats = controller.heartbeats.size();
        await().atMost(DEADLINE).until(() -> controller.heartbeats.size() > heartbeats);
    }

    @Test
    void spreadsItsReconnectionsOverTheWindowTheControllerAdvises() {
        controller.advice = new LinkAdvice(800);
        startConnected();
        await().atMost(DEADLINE).until(() -> agent.link().reconnectSpread().equals(Duration.ofMillis(800)));
    }

    @Test
    void anAdvisedSpreadLongerThanTenMinutesIsCutToTenMinutes() {
        controller.advice = new LinkAdvice(3_600_000);
        startConnected();
        await().atMost(DEADLINE).until(() -> agent.link().reconnectSpread().equals(io.apimfleet.protocol.link.LinkAdvice.LONGEST_SPREAD));
    }

    @Test
    void keepsTryingWhileTheControllerIsDownAndConnectsWhenItIsBack() throws Exception {
        String endpoint = controller.bridgeEndpoint();
        int port = Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1));
        controller.close();
        start(Checkpoints.NONE);
        await().atMost(DEADLINE).until(() -> log.stream().filter(l -> l.startsWith("link: cannot connect to " + endpoint)).count() >= 3);
        assertThat(agent.link().isUp()).isFalse();
        // the same port again, as a restarted controller
        controller = FakeController.start(ca, ca.server("127.0.0.1"), port);
        await().atMost(DEADLINE).until(() -> agent.link().isUp() && !controller.registrations.isEmpty());
    }

    @Test
    void failsOverToAnotherControllerWithinSecondsWhenItsControllerDies() throws Exception {
        try (FakeController second = FakeController.start(ca)) {
            pointBridgeAt(controller.bridgeEndpoint(), second.bridgeEndpoint());
            // a spread of a minute: waiting it out would take up to a minute, failing over must not
            controller.advice = new LinkAdvice(60_000);
            startConnected();
            await().atMost(DEADLINE).until(() -> agent.link().reconnectSpread().equals(Duration.ofMinutes(1)));

            String first = controller.bridgeEndpoint();
            controller.close();
            long lost = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.link().isUp() && !second.registrations.isEmpty());
            System.out.printf("agent: linked to the second controller %d ms after the first closed%n", (System.nanoTime() - lost) / 1_000_000);
            assertThat(log).anyMatch(l -> l.startsWith("link: lost " + first + " after ")
                    && l.contains("; failing over to " + second.bridgeEndpoint() + " in "));
        }
    }

    @Test
    void bridgeEndpointsTheControllerAdvisesAreKeptInControllerJsonAndUsedFromTheNextConnection() throws Exception {
        try (FakeController second = FakeController.start(ca)) {
            controller.advice = new LinkAdvice(1_000, List.of(controller.bridgeEndpoint(), second.bridgeEndpoint()));
            startConnected();
            await().atMost(DEADLINE).until(() -> new AgentState(state).readLink().bridgeEndpoints()
                    .equals(List.of(controller.bridgeEndpoint(), second.bridgeEndpoint())));

            controller.dropAgents();
            await().atMost(DEADLINE).until(() -> agent.link().isUp() && !second.registrations.isEmpty());
        }
    }

    @Test
    void anAdviceNamingOnlyItsSenderKeepsTheOtherEndpointsToFailOverTo() throws Exception {
        try (FakeController second = FakeController.start(ca)) {
            pointBridgeAt(controller.bridgeEndpoint(), second.bridgeEndpoint());
            // as a controller cut off from the others would advise: itself alone
            controller.advice = new LinkAdvice(1_000, List.of(controller.bridgeEndpoint()));
            startConnected();
            await().atMost(DEADLINE).until(() -> controller.advised.get() > 0);

            controller.close();
            await().atMost(DEADLINE).until(() -> agent.link().isUp() && !second.registrations.isEmpty());
            assertThat(new AgentState(state).readLink().bridgeEndpoints()).containsExactly(controller.bridgeEndpoint(), second.bridgeEndpoint());
        }
    }

    @Test
    void unreadableBridgeEndpointsInAnAdviceAreLeftOutWithOneLogLine() {
        controller.advice = new LinkAdvice(1_000, List.of("127.0.0.1:99999", controller.bridgeEndpoint(), "[::1"));
        startConnected();
        await().atMost(DEADLINE).until(() -> log.stream().anyMatch(l -> l.startsWith("link: ignored 2 of 3 bridge endpoints")));
        assertThat(log).filteredOn(l -> l.startsWith("link: ignored ")).hasSize(1);
        assertThat(agent.link().endpoints()).hasSize(1);
        assertThat(new AgentState(state).readLink().bridgeEndpoints()).containsExactly(controller.bridgeEndpoint());
    }

    @Test
    void theSameUnreadableEndpointsAdvisedAgainAreNotLoggedAgain() {
        controller.advice = new LinkAdvice(1_000, List.of("127.0.0.1:99999", controller.bridgeEndpoint()));
        startConnected();
        await().atMost(DEADLINE).until(() -> log.stream().anyMatch(l -> l.startsWith("link: ignored 1 of 2 bridge endpoints")));

        controller.dropAgents();   // the next connection asks for advice again, and gets the same
        await().atMost(DEADLINE).until(() -> controller.advised.get() >= 2 && agent.link().isUp());

        assertThat(log).filteredOn(l -> l.startsWith("link: ignored ")).hasSize(1);
    }

    @Test
    void renewsTheCertificateOnceTwoThirdsOfItsLifeHavePassed() throws Exception {
        controller.renewalAnswers.add("too-early");
        startConnected();
        Identity before = agent.identity();
        await().atMost(DEADLINE).until(() -> controller.heartbeats.size() >= 3);   // several renewal checks went by
        assertThat(controller.renewals).as("not due yet").isEmpty();

        clock.set(before.renewalDue().plus(Duration.ofHours(1)));
        await().atMost(DEADLINE).until(() -> agent.identity() != before
                && log.stream().anyMatch(l -> l.startsWith("identity: certificate renewed, valid until ")));
        assertThat(controller.renewals).containsExactly("km1", "km1");
        assertThat(log).anyMatch(l -> l.startsWith("identity: the controller says it is too early to renew: too-early"))
                .anyMatch(l -> l.startsWith("identity: certificate renewed, valid until "));

        AgentState stored = new AgentState(state);
        Identity renewed = stored.loadIdentity();
        assertThat(renewed.certificate()).isEqualTo(agent.identity().certificate()).isNotEqualTo(before.certificate());
        assertThat(renewed.key().getEncoded()).as("a new key").isNotEqualTo(before.key().getEncoded());
        assertThat(renewed.renewalDue()).isAfter(clock.instant());
        assertThat(stored.hostSecrets().lookup(HostKeys.IDENTITY_KEY_NEXT).orElse("")).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.certificateFile()))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.walk(state)) {
            assertThat(files.map(Path::toString)).noneMatch(p -> p.endsWith(".fleet-swap"));
        }

        // the next connection presents the new certificate
        controller.dropAgents();
        await().atMost(DEADLINE).until(() -> controller.registrations.size() == 2 && agent.link().isUp());
        assertThat(controller.renewals).as("renewed once").hasSize(2);
    }

    @Test
    void aBridgeWithACertificateFromAnotherCaIsNotTrusted() throws Exception {
        TestCa other = TestCa.create("impostor CA");
        try (FakeController impostor = FakeController.start(other)) {
            pointBridgeAt(impostor.bridgeEndpoint());
            start(Checkpoints.NONE);
            await().atMost(DEADLINE).until(() -> log.stream().anyMatch(l -> l.startsWith("link: cannot connect to " + impostor.bridgeEndpoint())));
            assertThat(impostor.registrations).isEmpty();
            assertThat(agent.link().isUp()).isFalse();
        }
    }

    @Test
    void aBridgeWhoseCertificateNamesAnotherHostIsNotTrusted() throws Exception {
        try (FakeController elsewhere = FakeController.start(ca, ca.server("controller.example"))) {
            pointBridgeAt(elsewhere.bridgeEndpoint());
            start(Checkpoints.NONE);
            await().atMost(DEADLINE).until(() -> log.stream().anyMatch(l -> l.startsWith("link: cannot connect to " + elsewhere.bridgeEndpoint())));
            assertThat(elsewhere.registrations).isEmpty();
            assertThat(agent.link().isUp()).isFalse();
        }
    }

    @Test
    void aClientCertificateTheBridgeRefusesShowsAtTheFirstReadAndIsRetried() throws Exception {
        TestCa other = TestCa.create("impostor CA");
        AgentState stored = new AgentState(state);
        Identity real = stored.loadIdentity();
        // the same key and name, but certified by another CA: the bridge trusts only the fleet CA
        stored.write(stored.certificateFile(), Join.pem(other.agent(new X500Name("CN=km1"), real.certificate().getPublicKey(),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(90))));
        start(Checkpoints.NONE);
        await().atMost(DEADLINE).until(() -> log.stream().filter(l -> l.startsWith("link: " + controller.bridgeEndpoint()
                + " closed the connection before answering")).count() >= 2);
        assertThat(controller.registrations).isEmpty();
        assertThat(agent.link().isUp()).isFalse();
        assertThat(agent.link().connections()).isZero();
    }

    @Test
    void stopsWithinFiveSeconds() throws Exception {
        startConnected();
        long started = System.nanoTime();
        agent.stop().await(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        agent = null;
        assertThat(log).anyMatch(l -> l.equals("link: disconnected from " + controller.bridgeEndpoint()));
    }

    @Test
    void startsStopsAndTailsTheProductOfTheLastAppliedBundle() throws Exception {
        startConnected();
        AgentReply none = answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.START)));
        assertThat(none.ok()).isFalse();
        assertThat(none.error()).contains("no bundle has been applied");

        Bundle withProcess = new Bundle("km1", 6, List.of(XmlSet.text("repository/conf/carbon.xml", "/Server/Ports/Offset", "1")),
                new ProcessSpec(List.of("sh", "-c", "echo product up; trap 'exit 0' TERM; while :; do sleep 1; done"),
                        Map.of("FLEET_TEST_SECRET", "s3cr3t")));
        AgentReply applied = answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.APPLY, withProcess, false)));
        assertThat(applied.ok()).as(applied.error()).isTrue();

        AgentReply started = answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.START)));
        assertThat(started.ok()).as(started.error()).isTrue();
        long pid = agent.product().pid().orElseThrow();
        try {
            await().atMost(DEADLINE).until(() -> controller.heartbeats.get(controller.heartbeats.size() - 1).facts().productState()
                    .equals("running"));
            await().atMost(DEADLINE).until(() -> controller.events.stream().anyMatch(e -> e.path("type").asText().equals("product.started")
                    && e.path("fields").path("pid").asLong() == pid));
            await().atMost(DEADLINE).until(() -> answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.LOGS, null, false, 5)))
                    .output().contains("product up"));

            AgentReply again = answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.START)));
            assertThat(again.ok()).isFalse();
            assertThat(again.error()).contains("already running");

            // a new agent (this one gone) adopts the product: same pid, not restarted
            agent.stop().await(5, TimeUnit.SECONDS);
            startConnected();
            assertThat(agent.product().pid()).contains(pid);

            AgentReply stopped = answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.STOP)));
            assertThat(stopped.ok()).as(stopped.error()).isTrue();
            assertThat(stopped.output()).isEqualTo("stopped");
            await().atMost(DEADLINE).until(() -> controller.events.stream().anyMatch(e -> e.path("type").asText().equals("product.exited")
                    && e.path("fields").path("code").asInt(-1) == 0));
            assertThat(controller.events.toString()).doesNotContain("s3cr3t");
        } finally {
            agent.product().stop(Duration.ZERO, true);
        }
    }

    @Test
    void aStartedProductsProbesReportTheirStateToTheController() throws Exception {
        startConnected();
        io.vertx.core.Vertx listenerVertx = io.vertx.core.Vertx.vertx();
        try {
            int port = listenerVertx.createNetServer().connectHandler(socket -> socket.close())
                    .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
            io.apimfleet.protocol.bundle.Probe listening = new io.apimfleet.protocol.bundle.Probe("listener",
                    io.apimfleet.protocol.bundle.Probe.Kind.TCP, "127.0.0.1", port, null,
                    Duration.ofMillis(200), Duration.ofSeconds(2), 1, 2, Duration.ZERO);
            Bundle probed = new Bundle("km1", 7, List.of(XmlSet.text("repository/conf/carbon.xml", "/Server/Ports/Offset", "2")),
                    new ProcessSpec(List.of("sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"), Map.of()), List.of(listening));
            assertThat(answer(controller.request("km1", new AgentRequest(AgentRequest.Kind.APPLY, probed, false))).ok()).isTrue();
            assertThat(answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.START))).ok()).isTrue();
            try {
                await().atMost(DEADLINE).until(() -> controller.events.stream().anyMatch(e -> e.path("type").asText().equals("probe.changed")
                        && e.path("fields").path("probe").asText().equals("listener")
                        && e.path("fields").path("state").asText().equals("passing")));
                await().atMost(DEADLINE).until(() -> agent.health().equals("healthy"));
                assertThat(answer(controller.request("km1", AgentRequest.of(AgentRequest.Kind.STOP))).ok()).isTrue();
                await().atMost(DEADLINE).until(() -> agent.health().equals("unknown"));
            } finally {
                agent.product().stop(Duration.ZERO, true);
            }
        } finally {
            listenerVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private void pointBridgeAt(String... endpoints) {
        AgentState stored = new AgentState(state);
        ControllerLink link = stored.readLink();
        stored.writeLink(new ControllerLink(link.controller(), List.of(endpoints), link.node(), link.home()));
    }
}
