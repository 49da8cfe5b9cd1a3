package io.apimfleet.controller.secret;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretStoreTest {
    @TempDir
    Path dir;
    ControllerState state;
    SecretStore store;

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(dir);
        store = new SecretStore(state);
    }

    @Test
    void aStoredValueComesBackAndIsSealedOnDisk() throws Exception {
        store.put("admin-password", "Sup3r-secret-value", Instant.now());
        assertThat(store.get("admin-password")).contains("Sup3r-secret-value");
        byte[] file = Files.readAllBytes(state.dir().resolve(SecretStore.FILE));
        assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain("Sup3r-secret-value").doesNotContain("admin-password");
    }

    @Test
    void aListingNamesSecretsButNeverTheirValues() {
        store.putAll(Map.of("b-db", "value-two", "a-admin", "value-one"), Instant.now());
        assertThat(store.list()).extracting(SecretStore.Entry::name).containsExactly("a-admin", "b-db");
        assertThat(store.list().toString()).doesNotContain("value-one", "value-two");
    }

    @Test
    void valuesAreGivenOnlyForTheNamesAskedThatExist() {
        store.putAll(Map.of("one", "value-one", "two", "value-two"), Instant.now());
        assertThat(store.values(Set.of("one", "missing"))).containsExactly(Map.entry("one", "value-one"));
    }

    @Test
    void aRemovedSecretIsGoneAndRemovingItAgainSaysSo() {
        store.put("gone", "gone-value", Instant.now());
        assertThat(store.remove("gone")).isTrue();
        assertThat(store.get("gone")).isEmpty();
        assertThat(store.remove("gone")).isFalse();
    }

    @Test
    void aBadNameIsRefusedWithoutEchoingTheValue() {
        assertThatThrownBy(() -> store.put("bad name", "the-value", Instant.now()))
                .hasMessageContaining("'bad name' is not a secret name").hasMessageNotContaining("the-value");
    }

    @Test
    void theJournalNamesTheSecretNeverItsValue() {
        store.put("admin-password", "journal-must-not-see", Instant.now());
        assertThat(state.journal().toString()).contains("secret.set").contains("admin-password").doesNotContain("journal-must-not-see");
    }

    @Test
    void aValueShorterThanEightCharactersIsRefusedNamingTheSecretNotTheValue() {
        assertThatThrownBy(() -> store.put("admin-password", "Zq7x", Instant.now()))
                .hasMessageContaining("secret admin-password is shorter than " + SecretStore.MIN_LENGTH + " characters")
                .hasMessageNotContaining("Zq7x");
        assertThat(store.get("admin-password")).isEmpty();
    }

    @Test
    void aShortValueAmongSeveralStoresNoneOfThem() {
        assertThatThrownBy(() -> store.putAll(Map.of("a-db", "long-enough-value", "b-db", "short"), Instant.now()))
                .hasMessageContaining("secret b-db is shorter than");
        assertThat(store.list()).isEmpty();
    }
}
