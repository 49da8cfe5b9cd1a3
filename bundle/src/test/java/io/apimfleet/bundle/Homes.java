package io.apimfleet.bundle;

import io.apimfleet.bundle.stage.Durable;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test homes: the project's own small one, and the real API-M 2.2.0 files where present. */
public final class Homes {
    private Homes() {
    }

    /** A fresh copy of the project's own small home under {@code dir}. */
    public static Path mini(Path dir) {
        try {
            Path source = Path.of(Homes.class.getResource("/mini-home").toURI());
            Path home = dir.resolve("home");
            Durable.copyTree(source, home);
            return home;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The real API-M 2.2.0 fixture folder, from system property {@code fleet.fixtures.dir}
     * (default ../shared/fixtures); the calling test is skipped, visibly, when it is absent.
     */
    public static Path real220() {
        String configured = System.getProperty("fleet.fixtures.dir", "../../shared/fixtures");
        Path dir = Path.of(configured).resolve("wso2am-2.2.0").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("repository/conf"))) {
            System.err.println("SKIPPED: real API-M 2.2.0 fixtures not found at " + dir
                    + " (set -Dfleet.fixtures.dir=...)");
        }
        Assumptions.assumeTrue(Files.isDirectory(dir.resolve("repository/conf")),
                "real API-M 2.2.0 fixtures not found at " + dir + " (set -Dfleet.fixtures.dir=...)");
        return dir;
    }

    /** Every file under a home with its bytes, and every directory as an empty marker. */
    public static Map<String, String> snapshot(Path home) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(home)) {
            all.filter(p -> !p.equals(home)).forEach(p -> {
                String rel = home.relativize(p).toString();
                try {
                    files.put(rel, Files.isDirectory(p) ? "<dir>" : new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)
                            + "|mode=" + Durable.mode(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
