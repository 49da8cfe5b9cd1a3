package io.apimfleet.agent.facts;

import io.apimfleet.bundle.stage.AppliedRevision;
import io.apimfleet.protocol.link.Facts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostFactsTest {
    @TempDir
    Path dir;

    @Test
    void theProductVersionComesFromVersionTxtThenFromTheDirectoryName() throws Exception {
        Path named = Files.createDirectories(dir.resolve("wso2am-2.1.0"));
        assertThat(HostFacts.productVersion(named)).isEqualTo("2.1.0");

        Files.createDirectories(named.resolve("bin"));
        Files.writeString(named.resolve("bin/version.txt"), "WSO2 API Manager v2.2.0\n");
        assertThat(HostFacts.productVersion(named)).as("the file wins").isEqualTo("2.2.0");

        assertThat(HostFacts.productVersion(Files.createDirectories(dir.resolve("apim")))).isNull();
    }

    @Test
    void factsOfAHomeThatDoesNotExistYet() {
        Path home = dir.resolve("not/yet/wso2am-2.2.0");
        Facts facts = new HostFacts(home, dir, List::of).collect();
        assertThat(facts.home()).isEqualTo(home.toString());
        assertThat(facts.homeExists()).isFalse();
        assertThat(facts.productVersion()).isNull();
        assertThat(facts.freeDiskBytes()).as("measured on the nearest existing parent").isPositive();
        assertThat(facts.productState()).isEqualTo("unknown");
        assertThat(facts.bundleRevision()).isZero();
    }

    @Test
    void theBundleRevisionIsTheLastApplied() {
        List<AppliedRevision> history = List.of(new AppliedRevision(1, "km1", 3, "h1", Instant.now(), List.of()),
                new AppliedRevision(2, "km1", 7, "h2", Instant.now(), List.of()));
        assertThat(new HostFacts(dir, dir, () -> history).collect().bundleRevision()).isEqualTo(7);
        assertThat(new HostFacts(null, dir, () -> {
            throw new IllegalStateException("unreadable history");
        }).collect().bundleRevision()).isZero();
    }
}
