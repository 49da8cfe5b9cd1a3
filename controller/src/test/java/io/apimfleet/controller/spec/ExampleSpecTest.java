package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The example users start from (shared/examples/cluster.yaml) must stay valid. Its folder comes
 * from the system property {@code fleet.examples.dir}; surefire runs in the module folder, so the
 * default is {@code ../../shared/examples}.
 */
class ExampleSpecTest {

    @Test
    void theSharedExampleIsValid() throws IOException {
        Path example = Path.of(System.getProperty("fleet.examples.dir", "../../shared/examples"), "cluster.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(example),
                () -> "skipped: no example spec at " + example.toAbsolutePath().normalize()
                        + " (set -Dfleet.examples.dir)");

        CheckedSpec checked = Specs.check(example, "cluster.yaml");

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.spec().nodes()).hasSize(8);
        assertThat(checked.spec().node("gw1").orElseThrow().address()).isEqualTo("10.0.4.21");
    }
}
