package io.apimfleet.controller.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoDirectoryTest {
    @TempDir
    Path temp;

    @Test
    void aFolderHoldingSomethingElseIsRefusedAndLeftAlone() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("mine"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");

        assertThatThrownBy(() -> DemoDirectory.open(dir)).isInstanceOf(DemoException.class)
                .hasMessageContaining("is not empty and is not a previous fleet demo's folder");
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("keep me");
        assertThat(dir.resolve(DemoDirectory.MARKER)).doesNotExist();
    }

    @Test
    void aPreviousDemosFolderIsEmptiedAndKeptAtClose() throws Exception {
        Path dir = temp.resolve("demo");
        try (DemoDirectory first = DemoDirectory.open(dir)) {
            Files.createDirectories(first.resolve("logs"));
            Files.writeString(first.resolve("logs/controller.log"), "old");
            assertThatThrownBy(() -> DemoDirectory.open(dir)).isInstanceOf(DemoException.class)
                    .hasMessageContaining("another fleet demo is running in");
        }
        try (DemoDirectory again = DemoDirectory.open(dir)) {
            assertThat(again.resolve("logs")).doesNotExist();
            assertThat(again.kept()).isTrue();
        }
        assertThat(dir.resolve(DemoDirectory.MARKER)).exists();
    }

    @Test
    void aTemporaryFolderIsRemovedAtCloseUnlessKept() {
        Path removed;
        try (DemoDirectory temporary = DemoDirectory.open(null)) {
            removed = temporary.path();
            assertThat(temporary.kept()).isFalse();
        }
        assertThat(removed).doesNotExist();
        Path kept;
        try (DemoDirectory temporary = DemoDirectory.open(null)) {
            kept = temporary.path();
            temporary.keep();
        }
        assertThat(kept).isDirectory();
        assertThat(kept.resolve(DemoDirectory.MARKER)).exists();
    }
}
