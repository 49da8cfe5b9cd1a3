package io.apimfleet.controller.secret;

import static org.assertj.core.api.Assertions.assertThat;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secret store's entries as clustered controllers share them: sealed, newest wins. */
class SharedSecretsTest {
    @TempDir
    Path dir;
    SecretStore one;
    SecretStore two;

    @BeforeEach
    void twoCopies() throws Exception {
        ControllerState first = TestStates.fresh(Files.createDirectories(dir.resolve("one")));
        one = new SecretStore(first);
        two = new SecretStore(TestStates.copyOf(first, dir.resolve("two")));
    }

    @Test
    void aSharedEntryIsSealedAndOpensOnAControllerWithTheSameMasterKey() {
        one.put("ss-admin", "ss-value-one-1", Instant.now());

        Map<String, String> shared = one.sealedEntries();
        two.mergeSealed(shared);

        assertThat(shared.get("ss-admin")).doesNotContain("ss-value-one-1");
        assertThat(two.get("ss-admin")).contains("ss-value-one-1");
    }

    @Test
    void aRemovalMadeAfterTheValueWinsOverIt() {
        one.put("ss-gone", "ss-value-one-2", Instant.now());
        two.mergeSealed(one.sealedEntries());
        two.remove("ss-gone");

        one.mergeSealed(two.sealedEntries());

        assertThat(one.get("ss-gone")).isEmpty();
        assertThat(one.list()).noneMatch(e -> e.name().equals("ss-gone"));
    }

    @Test
    void anOlderValueDoesNotReplaceANewerOne() {
        Instant now = Instant.now();
        one.put("ss-newer", "ss-value-older", now);
        String older = one.sealedEntries().get("ss-newer");
        two.put("ss-newer", "ss-value-newer", now.plusSeconds(1));
        String newer = two.sealedEntries().get("ss-newer");

        two.mergeSealed(Map.of("ss-newer", older));

        assertThat(two.get("ss-newer")).contains("ss-value-newer");
        assertThat(SecretStore.joinSealed(older, newer)).isEqualTo(newer);
        assertThat(SecretStore.joinSealed(newer, older)).isEqualTo(newer);
    }

    @Test
    void anEntrySealedUnderAnotherMasterKeyIsLeftOut() {
        SecretStore other = new SecretStore(ControllerState.init(dir.resolve("other"), TestStates.ADVERTISE));
        other.put("ss-foreign", "ss-value-foreign", Instant.now());

        int changed = two.mergeSealed(other.sealedEntries());

        assertThat(changed).isZero();
        assertThat(two.get("ss-foreign")).isEmpty();
    }
}
