package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends synced once per file at the end of {@link SecureFiles#syncedOnce} (group commit). */
class SecureFilesTest {
    @TempDir
    Path tmp;

    @Test
    void appendsInsideSyncedOnceAreAllInTheFileWhenItReturns() throws Exception {
        Path log = tmp.resolve("a.log");

        SecureFiles.syncedOnce(() -> {
            SecureFiles.appendPrivate(log, "one\n".getBytes(StandardCharsets.UTF_8));
            SecureFiles.appendPrivate(log, "two\n".getBytes(StandardCharsets.UTF_8));
            return null;
        });

        assertThat(Files.readAllLines(log)).containsExactly("one", "two");
    }

    @Test
    void aFileRemovedBeforeTheSyncIsNotRecreated() {
        Path log = tmp.resolve("folded.log");

        SecureFiles.syncedOnce(() -> {
            SecureFiles.appendPrivate(log, "line\n".getBytes(StandardCharsets.UTF_8));
            try {
                Files.delete(log);   // as a side log folded into its snapshot
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        });

        assertThat(log).doesNotExist();
    }
}
