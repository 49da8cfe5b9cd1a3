package io.apimfleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.EnrollResult;
import io.apimfleet.controller.pki.JoinTokens;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.secret.SecretStore;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered controller daemons in this JVM on 127.0.0.119, .120 and .121, each on its own
 * copy of one state directory: they share a token, an agent and a secret, all three stop, each
 * state directory is changed while the cluster is down (a token made on the first, the agent
 * removed on the second, the secret set again on the third), and all three start again. The
 * shared maps start empty; every controller offers what its state directory holds, and every
 * controller ends with the union, the newest version of each entry winning.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FullRestartTest {
    private static final String[] IPS = {"127.0.0.119", "127.0.0.120", "127.0.0.121"};
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private ClusteredDaemons cluster;
    private JoinTokens.IssuedToken before;
    private JoinTokens.IssuedToken whileDown;
    private EnrollResult removedWhileDown;

    @BeforeAll
    void startStopAndStartAgain() throws Exception {
        cluster = ClusteredDaemons.onCopiesOfOneState(dir, IPS);
        cluster.start();

        before = state(0).tokens().create("rs-before", null);
        JoinTokens.IssuedToken agentToken = state(1).tokens().create("rs-agent", null);
        removedWhileDown = state(1).enrollment().enroll(agentToken.token(), TestStates.csr(Keys.ecP256(), "rs-agent"), Instant.now());
        new SecretStore(state(2)).put("rs-secret", "rs-value-before", Instant.now());
        for (int i = 0; i < IPS.length; i++) {
            int at = i;
            await().atMost(DEADLINE).until(() -> knows(at, before.id()) && state(at).agents().find("rs-agent").isPresent()
                    && new SecretStore(state(at)).get("rs-secret").isPresent());
        }
        cluster.stop();

        // while every controller is down, as the CLI changes a state directory
        whileDown = state(0).tokens().create("rs-while-down", null);
        state(1).agents().remove("rs-agent", Instant.now());
        new SecretStore(state(2)).put("rs-secret", "rs-value-after", Instant.now());

        cluster = cluster.onNewPorts();
        cluster.start();
    }

    @AfterAll
    void closeAll() {
        cluster.stop();
    }

    @Test
    void aTokenMadeWhileTheClusterWasDownReachesEveryController() {
        for (int i = 0; i < IPS.length; i++) {
            int at = i;
            await().atMost(DEADLINE).until(() -> knows(at, whileDown.id()));
        }
    }

    @Test
    void anAgentRemovedWhileTheClusterWasDownIsRevokedAndForgottenOnEveryController() {
        X509Certificate removed = removedWhileDown.certificate();
        for (int i = 0; i < IPS.length; i++) {
            ControllerState at = state(i);
            await().atMost(DEADLINE).until(() -> at.revocations().isRevoked(removed) && at.agents().find("rs-agent").isEmpty());
        }
    }

    @Test
    void theSecretSetLastWinsOnEveryController() {
        for (int i = 0; i < IPS.length; i++) {
            SecretStore at = new SecretStore(state(i));
            await().atMost(DEADLINE).until(() -> at.get("rs-secret").equals(Optional.of("rs-value-after")));
        }
    }

    @Test
    void theSharedMapsHoldWhatTheStateDirectoriesHeldBeforeTheRestart() {
        // a controller that joins later catches up from the maps, so they must hold the entries made before the restart
        List<HazelcastInstance> ours = cluster.hazelcasts();
        assertThat(ours).hasSize(IPS.length);

        await().atMost(DEADLINE).until(() -> ours.stream().allMatch(member ->
                member.getMap("apim-fleet-state-tokens").containsKey(before.id())));
    }

    private boolean knows(int i, String tokenId) {
        return ClusteredDaemons.knowsToken(state(i), tokenId);
    }

    private ControllerState state(int i) {
        return cluster.state(i);
    }
}
