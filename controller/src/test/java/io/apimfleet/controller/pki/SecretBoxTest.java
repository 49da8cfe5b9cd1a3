package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private static final byte[] PLAIN = "the primary keystore password".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    final SecretBox box = new SecretBox(SecretBox.newMasterKey());

    @Test
    void sealedDataOpensToThePlainText() {
        assertThat(box.open(box.seal(PLAIN))).isEqualTo(PLAIN);
    }

    @Test
    void eachSealUsesAFreshNonce() {
        byte[] one = box.seal(PLAIN);
        byte[] two = box.seal(PLAIN);

        assertThat(one).hasSize(12 + PLAIN.length + 16);
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void anyChangedByteIsDetected() {
        byte[] sealed = box.seal(PLAIN);
        sealed[20] ^= 1;

        assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(SealedDataException.class).hasMessageContaining("tampered");
    }

    @Test
    void anotherMasterKeyCannotOpenIt() {
        byte[] sealed = box.seal(PLAIN);

        assertThatThrownBy(() -> new SecretBox(SecretBox.newMasterKey()).open(sealed)).isInstanceOf(SealedDataException.class);
    }

    @Test
    void truncatedDataIsRefused() {
        assertThatThrownBy(() -> box.open(new byte[10])).isInstanceOf(SealedDataException.class).hasMessageContaining("truncated");
    }

    @Test
    void aSealedFileIs0600AndHoldsNoPlainText() throws Exception {
        Path file = tmp.resolve("secret.bin");

        box.writeSealed(file, PLAIN);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("primary keystore");
        assertThat(box.readSealed(file)).isEqualTo(PLAIN);
    }
}
