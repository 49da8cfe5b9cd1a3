package io.apimfleet.agent.supervise;

import io.apimfleet.protocol.bundle.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecutablesTest {
    @TempDir
    Path dir;

    @Test
    void aProgramOnThePathIsInstalled() {
        assertThatCode(() -> Executables.requireInstalled(new ProcessSpec(List.of("sh", "-c", "true"), Map.of()), Map.of("PATH", "/usr/bin:/bin")))
                .doesNotThrowAnyException();
    }

    @Test
    void aMissingProgramIsRefusedSayingHowToInstallIt() {
        assertThatThrownBy(() -> Executables.requireInstalled(new ProcessSpec(List.of("no-such-balancer", "-f", "x"), Map.of()),
                Map.of("PATH", "/usr/bin:/bin")))
                .hasMessageContaining("no-such-balancer is not installed on this host")
                .hasMessageContaining("apt-get install -y no-such-balancer");
    }

    @Test
    void aReloadCommandRunsInTheHomeAndGivesItsOutput() {
        assertThat(Executables.run(List.of("sh", "-c", "pwd"), dir, Map.of(), Duration.ofSeconds(10))).isEqualTo(dir.toString());
    }

    @Test
    void aFailingReloadCommandIsAnErrorWithItsOutput() {
        assertThatThrownBy(() -> Executables.run(List.of("sh", "-c", "echo no pid file; exit 3"), dir, Map.of(), Duration.ofSeconds(10)))
                .hasMessageContaining("exited with 3").hasMessageContaining("no pid file");
    }
}
