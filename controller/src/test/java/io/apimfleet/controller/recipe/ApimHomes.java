package io.apimfleet.controller.recipe;

import io.apimfleet.bundle.Secrets;
import io.apimfleet.bundle.stage.Durable;
import io.apimfleet.controller.spec.CheckedSpec;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Specs;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Test homes built from the real API-M 2.2.0 files (folder from {@code fleet.fixtures.dir},
 * default ../shared/fixtures; tests are skipped visibly without it), with the 11 webapps and 3
 * Jaggery apps the distribution ships added as placeholders; and the project's own test specs.
 */
public final class ApimHomes {
    /** The web applications API-M 2.2.0 ships (MANIFEST.md, from bin.xml). */
    public static final List<String> SHIPPED_WEBAPPS = List.of("oauth2", "authenticationendpoint", "api#am#store#v0.12",
            "api#identity#consent-mgt#v1.0", "api#am#publisher#v0.12", "api#am#admin#v0.12", "throttle#data#v1",
            "client-registration#v0.12", "am#sample#calculator#v1", "am#sample#pizzashack#v1", "micro-gateway#v0.9");
    public static final List<String> SHIPPED_JAGGERYAPPS = List.of("publisher", "store", "admin");

    /** Every secret the test specs reference, with values that need escaping in XML. */
    public static final Map<String, String> SECRETS = Map.of(
            "admin-password", "Adm1n&<pass>",
            "apimgt-db", "apim'db\"pass",
            "usermgt-db", "user-db-pass",
            "registry-db", "reg-db-pass");

    private ApimHomes() {
    }

    public static Secrets secrets() {
        return Secrets.of(SECRETS);
    }

    /** The real 2.2.0 fixture folder, or a visible skip. */
    public static Path real220() {
        String configured = System.getProperty("fleet.fixtures.dir", "../../shared/fixtures");
        Path dir = Path.of(configured).resolve("wso2am-2.2.0").toAbsolutePath().normalize();
        boolean present = Files.isDirectory(dir.resolve("repository/conf"));
        if (!present) {
            System.err.println("SKIPPED: real API-M 2.2.0 fixtures not found at " + dir + " (set -Dfleet.fixtures.dir=...)");
        }
        Assumptions.assumeTrue(present, "real API-M 2.2.0 fixtures not found at " + dir);
        return dir;
    }

    /** A fresh copy of the real 2.2.0 files, plus placeholder webapps (as .war) and Jaggery apps, at {@code target}. */
    public static Path copyOfReal(Path target) {
        Durable.copyTree(real220().resolve("repository"), target.resolve("repository"));
        try {
            Path webapps = Files.createDirectories(target.resolve("repository/deployment/server/webapps"));
            for (String webapp : SHIPPED_WEBAPPS) {
                Files.writeString(webapps.resolve(webapp + ".war"), "placeholder for " + webapp);
            }
            Path jaggeryapps = Files.createDirectories(target.resolve("repository/deployment/server/jaggeryapps"));
            for (String app : SHIPPED_JAGGERYAPPS) {
                Files.writeString(Files.createDirectories(jaggeryapps.resolve(app)).resolve("jaggery.conf"), "{}");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** One of the project's own specs under {@code src/test/resources/specs}, which must be valid. */
    public static ClusterSpec spec(String name) {
        try {
            Path file = Path.of(ApimHomes.class.getResource("/specs/" + name).toURI());
            CheckedSpec checked = Specs.check(file, name);
            if (!checked.isValid()) {
                throw new IllegalStateException(name + " is not valid: " + checked.problems());
            }
            return checked.spec();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
