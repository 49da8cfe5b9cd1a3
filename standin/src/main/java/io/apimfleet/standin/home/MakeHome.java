package io.apimfleet.standin.home;

import io.apimfleet.standin.config.Durations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code apim-standin make-home}: an {@code <API-M_HOME>} shaped like a freshly unzipped API-M
 * 2.2.0, which the fleet's bundles apply to and the stand-in server plays in.
 */
public final class MakeHome {
    /** The 11 web applications API-M 2.2.0 ships (bin.xml), each as a small placeholder .war. */
    public static final List<String> WEBAPPS = List.of("oauth2", "authenticationendpoint", "api#am#store#v0.12",
            "api#identity#consent-mgt#v1.0", "api#am#publisher#v0.12", "api#am#admin#v0.12", "throttle#data#v1",
            "client-registration#v0.12", "am#sample#calculator#v1", "am#sample#pizzashack#v1", "micro-gateway#v0.9");
    /** The 3 Jaggery apps API-M 2.2.0 ships, each a directory with a placeholder file. */
    public static final List<String> JAGGERYAPPS = List.of("publisher", "store", "admin");
    public static final String WEBAPPS_DIR = "repository/deployment/server/webapps";
    public static final String JAGGERYAPPS_DIR = "repository/deployment/server/jaggeryapps";
    public static final String PROPERTIES = "bin/standin.properties";

    private static final String RESOURCES = "/io/apimfleet/standin/home/";

    /**
     * @param home       the home to create (absent or empty)
     * @param confFrom   a real {@code repository/conf} to copy instead of the project's own, or null
     * @param storesFrom another home whose two default stores to copy instead of making new ones, or null
     * @param startDelay Carbon's start-up time, modelled
     * @param java       the java the start script falls back to (absolute)
     * @param classpath  the stand-in's class path (absolute entries)
     * @param classData  the class-data archive the server starts with (made for this class path), or null
     */
    public record Options(Path home, Path confFrom, Path storesFrom, Duration startDelay, String java, String classpath, Path classData) {
        /**
         * The archive the distribution's build made from a run of the stand-in server in its own
         * folder ({@code lib/cds/}{@value #CLASS_DATA}), when this JVM runs from a distribution that has one.
         */
        public static final String CLASS_DATA = "apim-standin-server.jsa";

        /** What this JVM would record: its own java and class path, and the distribution's class-data archive. */
        public static Options ofThisJvm(Path home) {
            String distribution = System.getProperty("apim.fleet.home");
            Path archive = distribution == null ? null : Path.of(distribution, "lib", "cds", CLASS_DATA);
            return new Options(home, null, null, Duration.ofMillis(500),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    absoluteClasspath(System.getProperty("java.class.path")),
                    archive != null && Files.isRegularFile(archive) ? archive : null);
        }

        public Options withConfFrom(Path dir) {
            return new Options(home, dir, storesFrom, startDelay, java, classpath, classData);
        }

        public Options withStoresFrom(Path otherHome) {
            return new Options(home, confFrom, otherHome, startDelay, java, classpath, classData);
        }

        public Options withStartDelay(Duration delay) {
            return new Options(home, confFrom, storesFrom, delay, java, classpath, classData);
        }

        /** Another class path; no class-data archive (one is made for a class path). */
        public Options withClasspath(String entries) {
            return new Options(home, confFrom, storesFrom, startDelay, java, absoluteClasspath(entries), null);
        }
    }

    private MakeHome() {
    }

    public static Path make(Options options) throws IOException {
        Path home = options.home().toAbsolutePath().normalize();
        if (Files.isDirectory(home)) {
            try (Stream<Path> entries = Files.list(home)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(home + " exists and is not empty; make-home writes a fresh home only");
                }
            }
        }
        Files.createDirectories(home);
        for (String file : ownFiles()) {
            if (options.confFrom() != null && file.startsWith("repository/conf/")) {
                continue;
            }
            copyResource("files/" + file, home.resolve(file));
        }
        if (options.confFrom() != null) {
            copyTree(options.confFrom(), home.resolve("repository/conf"));
        }
        Path webapps = Files.createDirectories(home.resolve(WEBAPPS_DIR));
        for (String webapp : WEBAPPS) {
            Files.writeString(webapps.resolve(webapp + ".war"), "apim-fleet stand-in placeholder for " + webapp + ".war\n");
        }
        for (String app : JAGGERYAPPS) {
            Path dir = Files.createDirectories(home.resolve(JAGGERYAPPS_DIR).resolve(app));
            Files.writeString(dir.resolve("jaggery.conf"), "{\"displayName\": \"" + app + " (apim-fleet stand-in placeholder)\"}\n");
        }
        for (String dir : List.of("repository/logs", "repository/components/lib", "repository/database", "tmp")) {
            Files.createDirectories(home.resolve(dir));
        }
        if (options.storesFrom() != null) {
            DefaultStores.copy(options.storesFrom(), home);
        } else {
            DefaultStores.write(home);
        }
        StartScript.write(home, options.java(), options.classpath(), options.classData());
        Files.writeString(home.resolve(PROPERTIES), "# apim-fleet stand-in: how long Carbon's start-up takes here"
                + " (env STANDIN_START_DELAY overrides).\nstart.delay=" + Durations.format(options.startDelay()) + "\n");
        return home;
    }

    /** The project's own reduced conf tree and deployment files, listed in files.txt (a jar has no directory listing). */
    static List<String> ownFiles() throws IOException {
        try (InputStream in = MakeHome.class.getResourceAsStream(RESOURCES + "files.txt")) {
            if (in == null) {
                throw new IOException("the stand-in's files.txt is missing from its jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = MakeHome.class.getResourceAsStream(RESOURCES + resource)) {
            if (in == null) {
                throw new IOException("stand-in resource " + resource + " is missing from its jar");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IOException("--conf-from " + from + " is not a directory");
        }
        try (Stream<Path> all = Files.walk(from)) {
            all.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static String absoluteClasspath(String classpath) {
        return Stream.of(classpath.split(java.io.File.pathSeparator)).filter(s -> !s.isBlank())
                .map(s -> s.endsWith("*") ? Path.of(s.substring(0, s.length() - 1)).toAbsolutePath() + java.io.File.separator + "*"
                        : Path.of(s).toAbsolutePath().normalize().toString())
                .reduce((a, b) -> a + java.io.File.pathSeparator + b).orElse("");
    }
}
