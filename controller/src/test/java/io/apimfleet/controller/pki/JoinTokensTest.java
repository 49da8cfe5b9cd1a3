package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JoinTokensTest {
    @TempDir
    Path tmp;

    ControllerState state;
    JoinTokens tokens;
    final Instant now = Instant.parse("2030-01-01T10:00:00Z");

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(tmp);
        tokens = state.tokens();
    }

    @Test
    void aTokenIsASixCharacterIdDotASecret() {
        JoinTokens.IssuedToken token = tokens.create("km1", null, now);

        assertThat(token.token()).matches("[a-z0-9]{6}\\.[a-z0-9]{24}").startsWith(token.id() + ".");
        assertThat(token.expires()).isEqualTo(now.plus(Duration.ofMinutes(15)));
        assertThat(token.toString()).doesNotContain(token.token());
    }

    @Test
    void createAllMakesOneUsableTokenPerNodeInOneGo() {
        tokens.create("km1", null, now);
        java.util.List<JoinTokens.IssuedToken> made = tokens.createAll(java.util.List.of("sim1", "sim2", "sim3"), Duration.ofHours(2), now);

        assertThat(made).extracting(JoinTokens.IssuedToken::node).containsExactly("sim1", "sim2", "sim3");
        assertThat(made).extracting(JoinTokens.IssuedToken::id).doesNotHaveDuplicates();
        assertThat(made).allSatisfy(t -> assertThat(t.expires()).isEqualTo(now.plus(Duration.ofHours(2))));
        assertThat(tokens.list(now)).extracting(JoinTokens.TokenInfo::node).containsExactly("km1", "sim1", "sim2", "sim3");
        assertThat(tokens.list(now)).allSatisfy(t -> assertThat(t.status()).isEqualTo(JoinTokens.Status.VALID));
        assertThat(tokens.check(made.get(1).token(), now).node()).isEqualTo("sim2");
        assertThat(state.journal()).filteredOn(e -> "token.created".equals(e.get("type"))).hasSize(4);
    }

    @Test
    void createAllWritesNothingWhenOneNameIsBad() {
        assertThatThrownBy(() -> tokens.createAll(java.util.List.of("sim1", "Bad_Name"), null, now))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.createAll(java.util.List.of("sim1", "sim1"), null, now))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");

        assertThat(tokens.list(now)).isEmpty();
    }

    @Test
    void theStateKeepsOnlyTheTokensHash() {
        JoinTokens.IssuedToken token = tokens.create("km1", Duration.ofHours(1), now);
        String secret = token.token().substring(7);

        assertThat(TestStates.allText(state.dir())).doesNotContain(token.token()).doesNotContain(secret)
                .contains(Crypto.hex(Crypto.sha256(token.token().getBytes())));
    }

    @Test
    void theListShowsEachTokensStatus() {
        JoinTokens.IssuedToken valid = tokens.create("km1", Duration.ofHours(1), now);
        JoinTokens.IssuedToken expired = tokens.create("km2", Duration.ofMinutes(1), now.minus(Duration.ofMinutes(2)));
        JoinTokens.IssuedToken revoked = tokens.create("pub1", Duration.ofHours(1), now);
        tokens.revoke(revoked.id(), now);

        assertThat(tokens.list(now)).extracting(JoinTokens.TokenInfo::id, JoinTokens.TokenInfo::node, JoinTokens.TokenInfo::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(valid.id(), "km1", JoinTokens.Status.VALID),
                        org.assertj.core.groups.Tuple.tuple(expired.id(), "km2", JoinTokens.Status.EXPIRED),
                        org.assertj.core.groups.Tuple.tuple(revoked.id(), "pub1", JoinTokens.Status.REVOKED));
    }

    @Test
    void revokingAnUnknownIdIsAClearError() {
        assertThatThrownBy(() -> tokens.revoke("zzzzzz", now)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no join token with id 'zzzzzz'");
    }

    @Test
    void theJoinCommandNamesTheControllerTheTokenAndThePin() {
        JoinTokens.IssuedToken token = tokens.create("km1", null, now);

        assertThat(tokens.joinCommand(token)).isEqualTo("fleet-agent join --controller https://" + TestStates.ADVERTISE
                + " --node km1 --token " + token.token() + " --ca-hash sha256:" + state.fleetCa().spkiSha256());
    }

    @ParameterizedTest
    @CsvSource({"90s, PT1M30S", "15m, PT15M", "1h, PT1H", "1h30m, PT1H30M", "24h, PT24H"})
    void ttlsAreWrittenLikeDurations(String text, Duration expected) {
        assertThat(JoinTokens.parseTtl(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"25h", "0s", "15", "abc", "-5m", "1d", ""})
    void badTtlsAreRefused(String text) {
        assertThatThrownBy(() -> JoinTokens.parseTtl(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ttl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"KM1", "km_1", "-km1", "fleet-admin", "a.b"})
    void nodeNamesMustBeLowerCaseDnsLabelsAndNotReserved(String node) {
        assertThatThrownBy(() -> tokens.create(node, null, now)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(node);
    }
}
