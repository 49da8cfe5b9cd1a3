package io.apimfleet.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.apimfleet.protocol.SecretRef;

/**
 * Where {@code ${secret:NAME}} references find their values, at the moment they are written;
 * {@code ${host-secret:NAME}} ones find theirs only where {@link #withHost} added a host store.
 */
@FunctionalInterface
public interface Secrets {
    Optional<String> lookup(String name);

    /** A reference of either kind. */
    default Optional<String> lookup(SecretRef.Kind kind, String name) {
        return kind == SecretRef.Kind.SECRET ? lookup(name) : Optional.empty();
    }

    /** These secrets, plus the host-local ones of {@code host}. */
    default Secrets withHost(HostSecrets host) {
        Secrets self = this;
        return new Secrets() {
            @Override
            public Optional<String> lookup(String name) {
                return self.lookup(name);
            }

            @Override
            public Optional<String> lookup(SecretRef.Kind kind, String name) {
                return kind == SecretRef.Kind.HOST_SECRET ? host.lookup(name) : self.lookup(name);
            }
        };
    }

    static Secrets none() {
        return name -> Optional.empty();
    }

    static Secrets of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return name -> Optional.ofNullable(copy.get(name));
    }

    /** The environment variable that supplies a secret: {@code FLEET_SECRET_} + NAME upper-cased, '-' and '.' as '_'. */
    static String environmentVariable(String name) {
        return "FLEET_SECRET_" + name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** Values from the environment's {@code FLEET_SECRET_*} variables. */
    static Secrets fromEnvironment(Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(environment);
        return name -> Optional.ofNullable(copy.get(environmentVariable(name)));
    }

    /**
     * Values from a file of {@code name=value} lines ('#' starts a comment; the value is the
     * rest of the line, verbatim). Errors name the file and line, never a value.
     */
    static Secrets fromFile(Path file) {
        return of(readFile(file));
    }

    /** The {@code name=value} lines of a secrets file, as {@link #fromFile} reads them. */
    static Map<String, String> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BundleException("cannot read secrets file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? "" : line.substring(0, eq).strip();
            if (!name.matches(io.apimfleet.protocol.SecretRef.NAME_PATTERN)) {
                throw new BundleException(file + ":" + (i + 1) + ": expected name=value");
            }
            values.put(name, line.substring(eq + 1));
        }
        return values;
    }

    /** This source first, then {@code fallback} (for {@code ${secret:}} references). */
    default Secrets orElse(Secrets fallback) {
        return name -> lookup(name).or(() -> fallback.lookup(name));
    }
}
