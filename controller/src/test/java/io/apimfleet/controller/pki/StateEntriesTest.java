package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two controllers' states (a copy of one), their shared entries joined and merged both ways. */
class StateEntriesTest {
    @TempDir
    Path dir;
    ControllerState one;
    ControllerState two;

    @BeforeEach
    void twoCopies() throws Exception {
        one = TestStates.fresh(Files.createDirectories(dir.resolve("one")));
        two = TestStates.copyOf(one, dir.resolve("two"));
    }

    @Test
    void aTokenUsedOnOneControllerStaysUsedWhicheverVersionComesFirst() {
        JoinTokens.IssuedToken token = one.tokens().create("se-used", null);
        two.entries().merge(StateEntries.Kind.TOKENS, one.entries().all(StateEntries.Kind.TOKENS));
        String valid = two.entries().all(StateEntries.Kind.TOKENS).get(token.id());
        one.enrollment().enroll(token.token(), TestStates.csr(Keys.ecP256(), "se-used"), Instant.now());
        String used = one.entries().all(StateEntries.Kind.TOKENS).get(token.id());

        String joined = StateEntries.join(StateEntries.Kind.TOKENS, valid, used);

        assertThat(StateEntries.join(StateEntries.Kind.TOKENS, used, valid)).isEqualTo(joined);
        two.entries().merge(StateEntries.Kind.TOKENS, Map.of(token.id(), joined));
        assertThat(two.tokens().list(Instant.now())).filteredOn(t -> t.id().equals(token.id()))
                .singleElement().satisfies(t -> assertThat(t.status()).isEqualTo(JoinTokens.Status.USED));
    }

    @Test
    void aControllerTokenMergedAgainIsStillAControllerToken() {
        JoinTokens.IssuedToken token = one.tokens().createForController(Duration.ofMinutes(15), Instant.now());
        Map<String, String> shared = one.entries().all(StateEntries.Kind.TOKENS);

        two.entries().merge(StateEntries.Kind.TOKENS, shared);
        two.entries().merge(StateEntries.Kind.TOKENS, shared);   // now joined with the version two already has

        assertThat(two.entries().all(StateEntries.Kind.TOKENS).get(token.id())).contains("\"purpose\":\"" + JoinTokens.CONTROLLER_PURPOSE + "\"");
    }

    @Test
    void theAgentWithTheNewerCertificateWinsWhicheverComesFirst() {
        enroll(one, "se-agent", Instant.now());
        two.entries().merge(StateEntries.Kind.AGENTS, one.entries().all(StateEntries.Kind.AGENTS));
        String older = two.entries().all(StateEntries.Kind.AGENTS).get("se-agent");
        EnrollResult again = enroll(one, "se-agent", Instant.now().plus(Duration.ofMinutes(1)));   // enrolled again: a new certificate
        String newer = one.entries().all(StateEntries.Kind.AGENTS).get("se-agent");

        assertThat(StateEntries.join(StateEntries.Kind.AGENTS, older, newer)).isEqualTo(newer);
        assertThat(StateEntries.join(StateEntries.Kind.AGENTS, newer, older)).isEqualTo(newer);
        two.entries().merge(StateEntries.Kind.AGENTS, Map.of("se-agent", newer));
        assertThat(two.agents().find("se-agent").orElseThrow().latest().serial()).isEqualTo(again.serial());
    }

    @Test
    void mergingTheRevocationOfAnAgentsNewestCertificateRemovesTheAgent() {
        EnrollResult enrolled = enroll(one, "se-removed", Instant.now());
        two.entries().merge(StateEntries.Kind.AGENTS, one.entries().all(StateEntries.Kind.AGENTS));
        one.agents().remove("se-removed", Instant.now());

        two.entries().merge(StateEntries.Kind.REVOCATIONS, one.entries().all(StateEntries.Kind.REVOCATIONS));

        assertThat(two.agents().find("se-removed")).isEmpty();
        assertThat(two.revocations().isRevoked(enrolled.certificate())).isTrue();
    }

    @Test
    void anAgentWhoseNewestCertificateIsRevokedHereIsNotWrittenBack() {
        enroll(one, "se-stale", Instant.now());
        Map<String, String> stale = one.entries().all(StateEntries.Kind.AGENTS);
        two.entries().merge(StateEntries.Kind.AGENTS, stale);
        two.agents().remove("se-stale", Instant.now());

        two.entries().merge(StateEntries.Kind.AGENTS, stale);

        assertThat(two.agents().find("se-stale")).isEmpty();
    }

    @Test
    void aSharedTokenEntryHoldsTheHashButNeverTheToken() {
        JoinTokens.IssuedToken token = one.tokens().create("se-hash", null);

        String shared = one.entries().all(StateEntries.Kind.TOKENS).get(token.id());

        assertThat(shared).contains(Crypto.hex(Crypto.sha256(token.token().getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
                .doesNotContain(token.token()).doesNotContain(token.token().substring(7));
    }

    private static EnrollResult enroll(ControllerState state, String node, Instant now) {
        JoinTokens.IssuedToken token = state.tokens().create(node, null, now);
        return state.enrollment().enroll(token.token(), TestStates.csr(Keys.ecP256(), node), now);
    }
}
