package io.apimfleet.controller.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The installed distribution the demo runs: {@code bin/} (its commands) and {@code examples/}
 * (the clusters it brings up), found from the {@code apim.fleet.home} system property that
 * {@code bin/launch.sh} sets.
 */
public record Distribution(Path home) {
    public static final String HOME_PROPERTY = "apim.fleet.home";
    private static final List<String> COMMANDS = List.of("fleet", "fleet-agent", "apim-standin");

    /** The distribution this JVM was launched from; a DemoException when it was not launched by {@code bin/fleet}. */
    public static Distribution current() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            throw new DemoException("it runs the distribution's own commands, and this JVM was not started by bin/fleet "
                    + "(-D" + HOME_PROPERTY + " is not set); run packaging/target/apim-fleet/bin/fleet demo");
        }
        Distribution distribution = new Distribution(Path.of(home).toAbsolutePath().normalize());
        for (String command : COMMANDS) {
            if (!Files.isExecutable(distribution.command(command))) {
                throw new DemoException("the distribution in " + home + " is incomplete: " + distribution.command(command)
                        + " is missing or not executable; build it again (mvn -q -DskipTests package)");
            }
        }
        return distribution;
    }

    public Path command(String name) {
        return home.resolve("bin").resolve(name);
    }

    /** A file of {@code examples/}; a DemoException when it is not there. */
    public Path example(String name) {
        Path example = home.resolve("examples").resolve(name);
        if (!Files.isRegularFile(example)) {
            throw new DemoException("the distribution in " + home + " has no examples/" + name + "; build it again (mvn -q -DskipTests package)");
        }
        return example;
    }
}
