package io.apimfleet.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The packages as an operator installs them, on this very machine (CI runs as root on Debian):
 * {@code dpkg -i} of both {@code .deb} files, the files, users, state directories and units they make
 * (checked without booting systemd), the installed {@code fleet --version} and {@code fleet-agent --version},
 * then {@code fleet init} and {@code fleet controller run} as the controller's unit would run them (its
 * {@code ExecStart}, {@code User} and {@code EnvironmentFile}, on loopback ports that are free), a
 * {@code fleet-agent join} as root whose files end up the agent user's, the agent package installed
 * again over itself (dpkg's upgrade path), the agent's own {@code ExecStart} connecting as that user,
 * then {@code dpkg -r} of both, which must leave the state in place. Everything the test made
 * (packages, users, state) is purged at the end, so it runs again.
 */
class DebianPackagesTest {
    private static final Path PACKAGING = Launched.DIST.getParent().getParent();
    private static final String CONTROLLER = "apim-fleet-controller";
    private static final String AGENT = "apim-fleet-agent";
    private static final Pattern JOIN = Pattern.compile("--token (\\S+) --ca-hash (sha256:[0-9a-f]{64})");

    @TempDir
    Path dir;
    private final List<Launched> running = new ArrayList<>();
    private boolean mayClean;

    @AfterEach
    void cleanUp() throws Exception {
        running.forEach(Launched::close);
        if (!mayClean) {
            return;
        }
        exec(dir.resolve("logs/purge.log"), Map.of(), "dpkg", "--purge", AGENT, CONTROLLER);
        for (String name : List.of(AGENT, CONTROLLER)) {
            exec(dir.resolve("logs/rm-" + name + ".log"), Map.of(), "rm", "-rf", "/var/lib/" + name);
            exec(dir.resolve("logs/userdel-" + name + ".log"), Map.of(), "userdel", name);
            exec(dir.resolve("logs/groupdel-" + name + ".log"), Map.of(), "groupdel", name);   // gone with the user, usually
        }
    }

    @Test
    void installBothPackagesRunTheControllerAndJoinAsRootThenRemoveThemKeepingState() throws Exception {
        assumeThat(System.getProperty("user.name")).as("SKIPPED: DebianPackagesTest installs packages and needs root").isEqualTo("root");
        assumeThat(Files.isExecutable(Path.of("/usr/bin/dpkg"))).as("SKIPPED: DebianPackagesTest needs dpkg (a Debian host)").isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/setpriv"))).as("SKIPPED: DebianPackagesTest needs setpriv (util-linux)").isTrue();
        assumeThat(javaRuntimeInstalledThroughDpkg()).as("SKIPPED: no package providing java17-runtime-headless is installed;"
                + " dpkg -i would refuse the packages' Java dependency (apt-get install -y openjdk-17-jre-headless)").isTrue();
        for (String name : List.of(CONTROLLER, AGENT)) {
            assumeThat(exec(dir.resolve("logs/status-" + name + ".log"), Map.of(), "dpkg-query", "-W", name).exit())
                    .as("SKIPPED: package " + name + " is already on this machine; the test leaves it alone").isNotZero();
            assumeThat(exec(dir.resolve("logs/getent-" + name + ".log"), Map.of(), "getent", "passwd", name).exit())
                    .as("SKIPPED: user " + name + " already exists on this machine; the test leaves it alone").isNotZero();
            assumeThat(Path.of("/var/lib", name)).as("SKIPPED: /var/lib/" + name + " already exists; the test leaves it alone").doesNotExist();
        }
        Path controllerDeb = onlyDeb(PACKAGING.resolve("controller-deb/target"), CONTROLLER);
        Path agentDeb = onlyDeb(PACKAGING.resolve("agent-deb/target"), AGENT);
        String version = versionOf(agentDeb);
        mayClean = true;

        long t0 = System.nanoTime();
        ok(exec(dir.resolve("logs/install.log"), Map.of(), "dpkg", "-i", controllerDeb.toString(), agentDeb.toString()));
        long installed = System.nanoTime();

        // Files: each package its own folder and jars (both can be installed alone, and together), a command on PATH.
        assertThat(Path.of("/usr/bin/fleet").toRealPath()).isEqualTo(Path.of("/usr/share/apim-fleet-controller/bin/fleet"));
        assertThat(Path.of("/usr/bin/fleet-agent").toRealPath()).isEqualTo(Path.of("/usr/share/apim-fleet-agent/bin/fleet-agent"));
        assertThat(jars(Path.of("/usr/share/apim-fleet-controller/lib"))).anyMatch(j -> j.startsWith("apim-fleet-controller-"))
                .noneMatch(j -> j.startsWith("apim-fleet-agent-") || j.startsWith("apim-fleet-standin-"));
        assertThat(jars(Path.of("/usr/share/apim-fleet-agent/lib"))).anyMatch(j -> j.startsWith("apim-fleet-agent-"))
                .noneMatch(j -> j.startsWith("apim-fleet-controller-") || j.startsWith("apim-fleet-standin-") || j.startsWith("vertx-web"));
        assertThat(query("${Conffiles}", CONTROLLER)).contains("/etc/apim-fleet/controller.env");
        assertThat(query("${Conffiles}", AGENT)).contains("/etc/apim-fleet/agent.env");
        assertThat(query("${Depends}", AGENT)).contains("java17-runtime-headless");

        // Users and state: system users without a login, state 0700 theirs.
        for (String name : List.of(CONTROLLER, AGENT)) {
            String[] passwd = ok(exec(dir.resolve("logs/passwd-" + name + ".log"), Map.of(), "getent", "passwd", name)).strip().split(":");
            assertThat(Integer.parseInt(passwd[2])).as(name + " uid").isLessThan(1000);
            assertThat(passwd[5]).isEqualTo("/var/lib/" + name);
            assertThat(passwd[6]).isEqualTo("/usr/sbin/nologin");
            assertOwnedPrivately(Path.of("/var/lib", name), name);
        }

        // Units: what the issue asks of them, and what systemd itself says of them (without booting it).
        Map<String, List<String>> controllerUnit = unit(Path.of("/lib/systemd/system/apim-fleet-controller.service"));
        Map<String, List<String>> agentUnit = unit(Path.of("/lib/systemd/system/apim-fleet-agent.service"));
        for (Map<String, List<String>> u : List.of(controllerUnit, agentUnit)) {
            assertThat(u.get("Restart")).containsExactly("on-failure");
            assertThat(u.get("SuccessExitStatus")).containsExactly("143");
            assertThat(u.get("StandardOutput")).containsExactly("journal");
        }
        assertThat(controllerUnit.get("User")).containsExactly(CONTROLLER);
        assertThat(agentUnit.get("User")).containsExactly(AGENT);
        assertThat(agentUnit.get("KillMode")).containsExactly("process");
        assertThat(controllerUnit.get("KillMode")).isNull();
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            ok(exec(dir.resolve("logs/verify.log"), Map.of(), "systemd-analyze", "verify",
                    "/lib/systemd/system/apim-fleet-controller.service", "/lib/systemd/system/apim-fleet-agent.service"));
        } else {
            System.err.println("SKIPPED (part): systemd-analyze verify, systemd-analyze is not installed");
        }

        assertThat(ok(exec(dir.resolve("logs/fleet-version.log"), Map.of(), "/usr/bin/fleet", "--version")).strip()).isEqualTo("fleet " + version);
        assertThat(ok(exec(dir.resolve("logs/agent-version.log"), Map.of(), "/usr/bin/fleet-agent", "--version")).strip())
                .isEqualTo("fleet-agent " + version);

        // The controller: fleet init as its user on the unit's state directory, then the unit's own command line.
        List<String> controllerLine = controllerUnit.get("ExecStart");
        assertThat(controllerLine).hasSize(1);
        String controllerState = optionOf(controllerLine.get(0), "--state");
        assertThat(controllerState).isEqualTo("/var/lib/apim-fleet-controller");
        String apiPort = freePort();
        String bridgePort = freePort();
        ok(exec(dir.resolve("logs/init.log"), Map.of(), asUser(CONTROLLER, "/usr/bin/fleet", "init", "--state", controllerState,
                "--advertise", "127.0.0.1:" + apiPort)));
        Map<String, String> controllerEnv = environmentFile(controllerUnit);
        assertThat(controllerEnv).containsKey("FLEET_CONTROLLER_OPTS");
        controllerEnv.put("FLEET_CONTROLLER_OPTS", "--bind 127.0.0.1 --api-port " + apiPort + " --bridge-port " + bridgePort);
        Launched controller = startAs(CONTROLLER, controllerLine.get(0), controllerEnv, dir.resolve("logs/controller.log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> controller.output().contains("running; stop with")
                || !controller.process().isAlive());
        assertThat(controller.process().isAlive()).as(controller.output()).isTrue();
        assertThat(controller.output()).contains("https://127.0.0.1:" + apiPort, "state /var/lib/apim-fleet-controller");
        long controllerUp = System.nanoTime();

        // A token, then fleet-agent join as root with the package's defaults (no --state): the files are the agent user's.
        Matcher join = JOIN.matcher(ok(exec(dir.resolve("logs/token.log"), Map.of(), asUser(CONTROLLER, "/usr/bin/fleet", "token", "create",
                "--state", controllerState, "--node", "km1"))));
        assertThat(join.find()).as("a join command in the output of fleet token create").isTrue();
        ok(exec(dir.resolve("logs/join.log"), Map.of("FLEET_JOIN_TOKEN", join.group(1)), "/usr/bin/fleet-agent", "join",
                "--controller", "https://127.0.0.1:" + apiPort, "--node", "km1", "--ca-hash", join.group(2)));
        long joined = System.nanoTime();
        Path agentState = Path.of(optionOf(agentUnit.get("ExecStart").get(0), "--state"));
        assertThat(agentState).isEqualTo(Path.of("/var/lib/apim-fleet-agent"));
        List<Path> written;
        try (Stream<Path> files = Files.walk(agentState)) {
            written = files.toList();
        }
        assertThat(written).contains(agentState.resolve("identity/agent.crt"), agentState.resolve("host-secrets.json"));
        written.forEach(p -> assertOwnedPrivately(p, AGENT));

        // Installing the package again (dpkg's upgrade path: prerm upgrade, postinst configure OLD) keeps the state as it is.
        ok(exec(dir.resolve("logs/reinstall.log"), Map.of(), "dpkg", "-i", agentDeb.toString()));
        written.forEach(p -> assertOwnedPrivately(p, AGENT));
        assertThat(agentState.resolve("identity/agent.crt")).exists();

        // The agent's unit command line, as its user: it reads what root wrote and connects.
        Map<String, String> agentEnv = environmentFile(agentUnit);
        assertThat(agentEnv).containsKey("FLEET_AGENT_OPTS");
        Launched agent = startAs(AGENT, agentUnit.get("ExecStart").get(0), agentEnv, dir.resolve("logs/agent.log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.output().contains("link: connected to 127.0.0.1:" + bridgePort + " as km1")
                || !agent.process().isAlive());
        assertThat(agent.output()).contains("link: connected to 127.0.0.1:" + bridgePort + " as km1");
        long connected = System.nanoTime();
        agent.close();
        controller.close();
        assertThat(agent.process().exitValue()).as(agent.output()).isIn(0, 143);
        assertThat(controller.process().exitValue()).as(controller.output()).isIn(0, 143);

        // Removing the packages keeps the state (and the users, and the configuration until a purge).
        ok(exec(dir.resolve("logs/remove.log"), Map.of(), "dpkg", "-r", AGENT, CONTROLLER));
        long removed = System.nanoTime();
        assertThat(Path.of("/usr/bin/fleet")).doesNotExist();
        assertThat(Path.of("/usr/bin/fleet-agent")).doesNotExist();
        assertThat(Path.of("/usr/share/apim-fleet-agent")).doesNotExist();
        assertThat(Path.of("/lib/systemd/system/apim-fleet-agent.service")).doesNotExist();
        assertThat(Path.of("/etc/apim-fleet/agent.env")).exists();
        assertThat(Path.of(controllerState, "config.json")).exists();
        assertThat(Path.of(controllerState, "ca")).isDirectory();
        written.forEach(p -> assertOwnedPrivately(p, AGENT));
        assertThat(exec(dir.resolve("logs/passwd-after.log"), Map.of(), "getent", "passwd", AGENT, CONTROLLER).exit()).isZero();

        System.out.printf("DebianPackagesTest: controller .deb %.1f MB, agent .deb %.1f MB; dpkg -i of both %.1f s, controller running"
                        + " %.1f s later, join %.1f s, agent connected %.1f s after its start, dpkg -r of both %.1f s%n",
                Files.size(controllerDeb) / 1e6, Files.size(agentDeb) / 1e6, seconds(t0, installed), seconds(installed, controllerUp),
                seconds(controllerUp, joined), seconds(joined, connected), seconds(connected, removed));
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    private record Exec(int exit, String output) {
    }

    /** Runs a command to completion (within 120 s: dpkg on a loaded machine), its output in {@code log}. */
    private static Exec exec(Path log, Map<String, String> env, String... command) {
        try {
            Files.createDirectories(log.getParent());
            // From /: a command run as a service user may not be allowed into the test's working directory.
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .directory(Path.of("/").toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 120 s: " + Files.readString(log));
            }
            return new Exec(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String ok(Exec exec) {
        assertThat(exec.exit()).as(exec.output()).isZero();
        return exec.output();
    }

    /** {@code setpriv} runs the command as {@code user} in place (no process in between, so signals reach the JVM). */
    private static String[] asUser(String user, String... command) {
        List<String> line = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        line.addAll(List.of(command));
        return line.toArray(String[]::new);
    }

    /** Starts a unit's {@code ExecStart} as systemd would: {@code $NAME} words replaced by the variable's words. */
    private Launched startAs(String user, String execStart, Map<String, String> env, Path log) throws IOException {
        List<String> words = new ArrayList<>();
        for (String word : execStart.trim().split("\\s+")) {
            if (word.matches("\\$[A-Za-z_][A-Za-z0-9_]*")) {
                String value = env.getOrDefault(word.substring(1), "").trim();
                if (!value.isEmpty()) {
                    words.addAll(Arrays.asList(value.split("\\s+")));
                }
            } else {
                words.add(word);
            }
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(asUser(user, words.toArray(String[]::new))).redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(Path.of("/").toFile());
        builder.environment().putAll(env);
        Launched launched = new Launched(builder.start(), log);
        running.add(launched);
        return launched;
    }

    /** The unit's {@code Key=value} lines (every section), values of repeated keys in order. */
    private static Map<String, List<String>> unit(Path file) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[") || !l.contains("=")) {
                continue;
            }
            int eq = l.indexOf('=');
            keys.computeIfAbsent(l.substring(0, eq).strip(), k -> new ArrayList<>()).add(l.substring(eq + 1).strip());
        }
        return keys;
    }

    /** The variables of the unit's {@code EnvironmentFile} (the file must be installed). */
    private static Map<String, String> environmentFile(Map<String, List<String>> unit) throws IOException {
        assertThat(unit.get("EnvironmentFile")).hasSize(1);
        Path file = Path.of(unit.get("EnvironmentFile").get(0).replaceFirst("^-", ""));
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                env.put(l.substring(0, l.indexOf('=')).strip(), l.substring(l.indexOf('=') + 1).strip());
            }
        }
        return env;
    }

    private static String optionOf(String commandLine, String option) {
        List<String> words = List.of(commandLine.trim().split("\\s+"));
        int at = words.indexOf(option);
        assertThat(at).as(option + " in " + commandLine).isNotNegative();
        return words.get(at + 1);
    }

    private static void assertOwnedPrivately(Path path, String user) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertThat(attributes.owner().getName()).as(path + " owner").isEqualTo(user);
            assertThat(attributes.group().getName()).as(path + " group").isEqualTo(user);
            assertThat(PosixFilePermissions.toString(attributes.permissions())).as(path + " mode")
                    .isEqualTo(attributes.isDirectory() ? "rwx------" : "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> jars(Path lib) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
            jars.forEach(j -> names.add(j.getFileName().toString()));
        }
        return names;
    }

    private String query(String field, String pkg) {
        return ok(exec(dir.resolve("logs/query.log"), Map.of(), "dpkg-query", "-W", "-f", field, pkg));
    }

    private boolean javaRuntimeInstalledThroughDpkg() {
        Exec provides = exec(dir.resolve("logs/provides.log"), Map.of(), "dpkg-query", "-W", "-f", "${db:Status-Abbrev} ${Provides}\\n");
        return provides.exit() == 0 && provides.output().lines().anyMatch(l -> l.startsWith("ii") && l.contains("java17-runtime-headless"));
    }

    /** The single {@code NAME_VERSION_all.deb} the build left in {@code target}. */
    private static Path onlyDeb(Path target, String name) throws IOException {
        List<Path> debs = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> found = Files.newDirectoryStream(target, name + "_*_all.deb")) {
                found.forEach(debs::add);
            }
        }
        assertThat(debs).as("the " + name + " package in " + target + " (mvn package builds it)").hasSize(1);
        return debs.get(0);
    }

    /** The version the jars report, from the package's file name (Debian writes the snapshot's '-' as '~'). */
    private static String versionOf(Path deb) {
        String file = deb.getFileName().toString();
        return file.substring(file.indexOf('_') + 1, file.lastIndexOf("_all.deb")).replace('~', '-');
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return Integer.toString(socket.getLocalPort());
        }
    }
}
