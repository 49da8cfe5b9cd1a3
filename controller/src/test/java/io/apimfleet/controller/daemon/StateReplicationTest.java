package io.apimfleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.EnrollResult;
import io.apimfleet.controller.pki.EnrollmentRefused;
import io.apimfleet.controller.pki.JoinTokens;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.TestAgent;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered controller daemons in this JVM on 127.0.0.116, .117 and .118, each on its own
 * copy of one state directory (as until {@code fleet controller join}), shared by the tests (each
 * uses node and secret names of its own). What one controller's state gains (a token made or
 * revoked there, an agent enrolled or removed, a secret set or removed, a journal entry) every
 * other controller's state directory gets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StateReplicationTest {
    private static final String[] IPS = {"127.0.0.116", "127.0.0.117", "127.0.0.118"};
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private ClusteredDaemons cluster;
    /** The test agents' (each linking for one check). */
    private final Vertx vertx = Vertx.vertx();

    @BeforeAll
    void startThree() throws Exception {
        cluster = ClusteredDaemons.onCopiesOfOneState(dir, IPS);
        cluster.start();
    }

    @AfterAll
    void closeAll() throws Exception {
        cluster.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aTokenMadeOnOneControllerEnrollsItsAgentThroughAnother() {
        JoinTokens.IssuedToken token = state(0).tokens().create("sr-one", null);   // as fleet token create on controller 1's state

        await().atMost(DEADLINE).until(() -> knows(1, token.id()));
        EnrollResult enrolled = state(1).enrollment().enroll(token.token(), TestStates.csr(Keys.ecP256(), "sr-one"), Instant.now());

        assertThat(enrolled.node()).isEqualTo("sr-one");
    }

    @Test
    void anAgentEnrolledThroughOneControllerIsInEveryRegistry() {
        EnrollResult enrolled = enroll(0, "sr-two");

        for (int i = 0; i < IPS.length; i++) {
            int at = i;
            await().atMost(DEADLINE).until(() -> state(at).agents().find("sr-two")
                    .map(a -> a.latest().serial().equals(enrolled.serial())).orElse(false));
        }
    }

    @Test
    void aOneTimeTokenRacedThroughTwoControllersEnrollsExactlyOneAgent() throws Exception {
        JoinTokens.IssuedToken token = state(0).tokens().create("sr-race", null);
        await().atMost(DEADLINE).until(() -> knows(1, token.id()) && knows(2, token.id()));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Optional<EnrollResult>>> racing = new ArrayList<>();
        for (int i = 1; i < IPS.length; i++) {
            ControllerState through = state(i);
            String csr = TestStates.csr(Keys.ecP256(), "sr-race");
            racing.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return Optional.of(through.enrollment().enroll(token.token(), csr, Instant.now()));
                } catch (EnrollmentRefused refused) {
                    assertThat(refused.reason()).isEqualTo(EnrollmentRefused.Reason.USED);
                    return Optional.empty();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.countDown();

        List<EnrollResult> enrolled = racing.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();

        assertThat(enrolled).hasSize(1);
    }

    @Test
    void anAgentRemovedOnOneControllerIsRevokedAndForgottenOnEvery() {
        EnrollResult enrolled = enroll(0, "sr-removed");
        await().atMost(DEADLINE).until(() -> state(1).agents().find("sr-removed").isPresent());

        state(1).agents().remove("sr-removed", Instant.now());   // as fleet agents remove on controller 2's state

        for (int i = 0; i < IPS.length; i++) {
            ControllerState at = state(i);
            // the bridge's TLS check reads this list: the agent cannot link to any controller
            await().atMost(DEADLINE).until(() -> at.revocations().isRevoked(enrolled.certificate())
                    && at.agents().find("sr-removed").isEmpty());
        }
    }

    @Test
    void anAgentRemovedOnOneControllerCannotLinkToAnother() throws Exception {
        AgentIdentity identity = AgentIdentity.enroll(state(0), "sr-linked");
        assertThat(linksTo(2, identity)).isTrue();

        state(0).agents().remove("sr-linked", Instant.now());   // as fleet agents remove on controller 1's state

        await().atMost(DEADLINE).until(() -> !linksTo(2, identity));
    }

    @Test
    void aTokenRevokedOnOneControllerIsRefusedByAnother() {
        JoinTokens.IssuedToken token = state(0).tokens().create("sr-revoked", null);
        await().atMost(DEADLINE).until(() -> knows(2, token.id()));

        state(0).tokens().revoke(token.id(), Instant.now());

        await().atMost(DEADLINE).until(() -> status(2, token.id()) == JoinTokens.Status.REVOKED);
        assertThatThrownBy(() -> state(2).enrollment().enroll(token.token(), TestStates.csr(Keys.ecP256(), "sr-revoked"), Instant.now()))
                .isInstanceOfSatisfying(EnrollmentRefused.class, r -> assertThat(r.reason()).isEqualTo(EnrollmentRefused.Reason.REVOKED));
    }

    @Test
    void aSecretStoredOnOneControllerOpensOnEvery() {
        new SecretStore(state(0)).put("sr-admin", "sr-secret-value-1", Instant.now());

        for (int i = 1; i < IPS.length; i++) {
            SecretStore at = new SecretStore(state(i));
            await().atMost(DEADLINE).until(() -> at.get("sr-admin").equals(Optional.of("sr-secret-value-1")));
        }
    }

    @Test
    void aSecretRemovedOnOneControllerIsGoneFromEvery() {
        new SecretStore(state(0)).put("sr-gone", "sr-secret-value-2", Instant.now());
        await().atMost(DEADLINE).until(() -> new SecretStore(state(2)).get("sr-gone").isPresent());

        new SecretStore(state(2)).remove("sr-gone");

        for (int i = 0; i < IPS.length; i++) {
            SecretStore at = new SecretStore(state(i));
            await().atMost(DEADLINE).until(() -> at.get("sr-gone").isEmpty() && at.list().stream().noneMatch(e -> e.name().equals("sr-gone")));
        }
    }

    @Test
    void theSharedMapsHoldNeitherATokenNorASecretInClear() {
        JoinTokens.IssuedToken token = state(0).tokens().create("sr-clear", null);
        new SecretStore(state(0)).put("sr-clear", "sr-secret-value-3", Instant.now());
        await().atMost(DEADLINE).until(() -> knows(2, token.id()) && new SecretStore(state(2)).get("sr-clear").isPresent());

        List<String> shared = new ArrayList<>();
        for (HazelcastInstance member : cluster.hazelcasts()) {
            member.getDistributedObjects().stream()
                    .filter(o -> o instanceof com.hazelcast.map.IMap<?, ?>)
                    .forEach(o -> ((com.hazelcast.map.IMap<?, ?>) o).values().forEach(v -> shared.add(String.valueOf(v))));
        }

        assertThat(shared).anyMatch(v -> v.contains(token.id()));   // the token's entry is there, by its id and hash
        assertThat(shared).noneMatch(v -> v.contains(token.token()) || v.contains("sr-secret-value-3"));
    }

    @Test
    void anEntryJournaledOnOneControllerIsInEveryJournal() {
        JoinTokens.IssuedToken token = state(0).tokens().create("sr-journal", null);   // journals token.created on controller 1

        for (int i = 1; i < IPS.length; i++) {
            int at = i;
            await().atMost(DEADLINE).until(() -> state(at).journal().stream().anyMatch(e -> "token.created".equals(e.get("type"))
                    && e.get("fields") instanceof Map<?, ?> fields && token.id().equals(fields.get("tokenId"))
                    && cluster.hazelcastAddress(0).equals(fields.get(StateSharing.CONTROLLER))));
        }
    }

    /** Whether {@code identity}'s agent gets a link to controller {@code i}'s bridge (a ping answered). */
    private boolean linksTo(int i, AgentIdentity identity) throws Exception {
        try (TestAgent agent = TestAgent.connect(vertx, IPS[i], cluster.daemon(i).bridgePort(), identity, identity.caPem())) {
            return agent.roundTrip();
        } catch (java.util.concurrent.ExecutionException refusedAtConnect) {
            return false;
        }
    }

    private EnrollResult enroll(int through, String node) {
        JoinTokens.IssuedToken token = state(through).tokens().create(node, null);
        return state(through).enrollment().enroll(token.token(), TestStates.csr(Keys.ecP256(), node), Instant.now());
    }

    private boolean knows(int i, String tokenId) {
        return ClusteredDaemons.knowsToken(state(i), tokenId);
    }

    private JoinTokens.Status status(int i, String tokenId) {
        return state(i).tokens().list(Instant.now()).stream().filter(t -> t.id().equals(tokenId))
                .map(JoinTokens.TokenInfo::status).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private ControllerState state(int i) {
        return cluster.state(i);
    }
}
