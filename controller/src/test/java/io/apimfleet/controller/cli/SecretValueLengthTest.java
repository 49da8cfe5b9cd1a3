package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret shorter than 8 characters is refused before anything is sent (a short value would be
 * masked in unrelated settings too, and so shown); the message names the secret, never its value.
 */
class SecretValueLengthTest {
    @TempDir
    Path tmp;

    @Test
    void secretSetRefusesAShortValueWithTheMinimumLength() {
        InputStream stdin = System.in;
        FleetRun run;
        try {
            System.setIn(new ByteArrayInputStream("tiny\n".getBytes(StandardCharsets.UTF_8)));
            run = FleetRun.of("secret", "set", "admin-password", "--state", tmp.resolve("no-state").toString());
        } finally {
            System.setIn(stdin);
        }

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("fleet secret set: the value of secret admin-password is shorter than 8 characters")
                .contains("nothing was stored").doesNotContain("tiny");
    }

    @Test
    void applyRefusesASecretsFileWithAShortValueBeforeSendingAnything() throws Exception {
        Path spec = tmp.resolve("five-node.yaml");
        try (InputStream fixture = getClass().getResourceAsStream("/specs/five-node.yaml")) {
            Files.copy(fixture, spec);
        }
        Path secrets = Files.writeString(tmp.resolve("secrets.txt"), "admin-password=tiny\n");

        FleetRun run = FleetRun.of("apply", "-f", spec.toString(), "--secrets", secrets.toString(),
                "--state", tmp.resolve("no-state").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the value of secret admin-password is shorter than 8 characters", "nothing was sent")
                .doesNotContain("tiny");
    }
}
