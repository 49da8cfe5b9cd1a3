package io.apimfleet.controller.recipe;

import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.xml.XPath;
import io.apimfleet.bundle.xml.XmlDocument;
import io.apimfleet.bundle.xml.XmlElement;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.bundle.Bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A node's bundle applied to a fresh copy of the real 2.2.0 home, with ways to read the result. */
record Rendered(ClusterSpec spec, Path home, Bundle bundle) {
    static final Path NO_JAR = Path.of("/nonexistent");

    static Rendered render(ClusterSpec spec, String node, Path dir) {
        Path home = ApimHomes.copyOfReal(dir.resolve(node));
        Bundle bundle = Recipes.bundle(spec, node, 1, jar -> java.util.Optional.of(("jar for " + jar).getBytes())).bundle();
        new BundleApplier(home, dir.resolve(node + ".state"), ApimHomes.secrets()).apply(bundle);
        return new Rendered(spec, home, bundle);
    }

    String read(String file) {
        try {
            return new String(Files.readAllBytes(home.resolve(file)), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<XmlElement> active(String file, String xpath) {
        try {
            XmlDocument doc = XmlDocument.parse(read(file));
            return XPath.compile(xpath).select(doc);
        } catch (Exception e) {
            throw new AssertionError(file + " " + xpath + ": " + e.getMessage(), e);
        }
    }

    /** The text of the one active element at {@code xpath}. */
    String text(String file, String xpath) {
        List<XmlElement> found = active(file, xpath);
        assertThat(found).as("%s in %s of %s", xpath, file, bundle.node()).hasSize(1);
        return found.get(0).text(read(file));
    }

    /** An attribute of the one active element at {@code xpath}, or null when it has none. */
    String attribute(String file, String xpath, String name) {
        List<XmlElement> found = active(file, xpath);
        assertThat(found).as("%s in %s of %s", xpath, file, bundle.node()).hasSize(1);
        return found.get(0).attribute(name).map(XmlElement.Attribute::value).orElse(null);
    }

    String property(String file, String key) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(home.resolve(file))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty(key);
    }

    boolean exists(String path) {
        return Files.exists(home.resolve(path));
    }

    /** Entry names of a directory, with ".war" dropped. */
    Set<String> apps(String dir) {
        try (Stream<Path> entries = Files.list(home.resolve(dir))) {
            TreeSet<String> names = new TreeSet<>();
            entries.map(p -> p.getFileName().toString().replaceAll("\\.war$", "")).forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
