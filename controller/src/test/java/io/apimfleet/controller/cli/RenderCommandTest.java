package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.apimfleet.bundle.xml.XPath;
import io.apimfleet.bundle.xml.XmlDocument;
import io.apimfleet.bundle.xml.XmlElement;
import io.apimfleet.bundle.xml.XmlText;
import io.apimfleet.controller.recipe.ApimHomes;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fleet render}: a node's bundle applied offline to a copy of the real API-M 2.2.0 home,
 * or shown as a diff with secrets masked; {@code --all} for every node; {@code --rollback}.
 */
class RenderCommandTest {
    private static final String CARBON = "repository/conf/carbon.xml";
    private static final String USER_MGT = "repository/conf/user-mgt.xml";
    private static final String DATASOURCES = "repository/conf/datasources/master-datasources.xml";
    private static final String COMPONENTS_LIB = "repository/components/lib";

    @TempDir
    Path dir;

    // ---- --dry-run ----

    @Test
    void aDryRunPrintsAUnifiedDiffOfTheNodesFiles() throws IOException {
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "km1",
                "--home", home.toString(), "--dry-run", "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).contains("--- a/" + CARBON, "+++ b/" + CARBON);
        assertThat(run.outLines()).anySatisfy(line -> assertThat(line).startsWith("@@ -"));
        assertThat(diffOf(run.out(), CARBON)).anySatisfy(line -> assertThat(line).startsWith("+").contains("km1.five.test"));
    }

    /** {@code diff -u} prints a change's removed lines first, then the lines that replace them. */
    @Test
    void aDryRunDiffPrintsRemovedLinesBeforeTheLinesReplacingThem() throws IOException {
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "km1",
                "--home", home.toString(), "--dry-run", "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        List<String> removedAfterAdded = new ArrayList<>();
        boolean added = false;
        for (String line : run.outLines()) {
            if (line.startsWith("+") && !line.startsWith("+++ ")) {
                added = true;
            } else if (line.startsWith("-") && !line.startsWith("--- ")) {
                if (added) {
                    removedAfterAdded.add(line);
                }
            } else {
                added = false;
            }
        }
        assertThat(run.out()).contains("\n-").contains("\n+");
        assertThat(removedAfterAdded).as("removed lines printed after added lines of the same change").isEmpty();
    }

    @Test
    void aDryRunShowsSecretWhereTheAdminAndDatabasePasswordsGo() throws IOException {
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "km1",
                "--home", home.toString(), "--dry-run", "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(diffOf(run.out(), USER_MGT)).as("the admin password in user-mgt.xml")
                .anySatisfy(line -> assertThat(line).startsWith("+").contains("<Password>(secret)</Password>"));
        assertThat(diffOf(run.out(), DATASOURCES)).as("the key manager's apimgt and usermgt datasource passwords")
                .filteredOn(line -> line.startsWith("+") && line.contains("<password>(secret)</password>")).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"km1", "pub1", "store1", "tm1", "gw1"})
    void aDryRunNeverPrintsASecretValueInAnyForm(String node) throws IOException {
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", node,
                "--home", home.toString(), "--dry-run", "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("(secret)");
        ApimHomes.SECRETS.forEach((name, value) -> {
            for (String form : List.of(value, XmlText.escapeText(value), XmlText.escapeAttribute(value, '"'),
                    XmlText.escapeAttribute(value, '\''))) {
                assertThat(run.out() + run.err()).as("secret %s as %s", name, form).doesNotContain(form);
            }
        });
    }

    /**
     * The publisher's jndi.properties carries the admin password inside the broker URL; the
     * properties editor writes characters outside printable ASCII as backslash-u escapes, a form the
     * diff must mask too.
     */
    @Test
    void aDryRunMasksASecretInTheEscapedFormAPropertiesFileHoldsIt() throws IOException {
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));
        Map<String, String> secrets = new LinkedHashMap<>(ApimHomes.SECRETS);
        String password = "s\u00e9same-\u00fcber";
        secrets.put("admin-password", password);

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "pub1",
                "--home", home.toString(), "--dry-run", "--secrets", secretsFile(secrets).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(diffOf(run.out(), "repository/conf/jndi.properties"))
                .anySatisfy(line -> assertThat(line).startsWith("+connectionfactory.TopicConnectionFactory"));
        assertThat(run.out()).doesNotContain(password).doesNotContain(propertiesEscaped(password));
    }

    @Test
    void aDryRunLeavesTheHomeByteIdentical() throws IOException {
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));
        Map<String, String> before = snapshot(home);
        Map<String, FileTime> mtimes = mtimes(home);

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "km1",
                "--home", home.toString(), "--dry-run", "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(snapshot(home)).isEqualTo(before);
        assertThat(mtimes(home)).isEqualTo(mtimes);
    }

    @Test
    void aDryRunWritesNoStateBesideTheHome() throws IOException {
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));
        Path spec = spec("five-node.yaml");
        Path secrets = secretsFile(ApimHomes.SECRETS);
        List<Path> beside = list(dir);

        FleetRun run = FleetRun.of("render", "-f", spec.toString(), "--node", "km1",
                "--home", home.toString(), "--dry-run", "--secrets", secrets.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(list(dir)).containsExactlyInAnyOrderElementsOf(beside);
    }

    // ---- --all, twice, and --rollback ----

    @Test
    void renderAllRendersEveryApimNodeIntoItsOwnHome() throws IOException {
        ClusterSpec cluster = ApimHomes.spec("five-node.yaml");
        Path homes = homesFor(cluster);

        FleetRun run = renderAll(homes);

        assertThat(run.exitCode()).as(run.err()).isZero();
        for (Node node : apimNodes(cluster)) {
            Path home = homes.resolve(node.name());
            assertThat(run.outLines()).as(node.name()).contains("== " + node.name() + " -> " + home);
            assertThat(activeText(home.resolve(CARBON), "/Server/HostName")).as(node.name()).isEqualTo(node.host());
        }
    }

    @Test
    void aSecondIdenticalRenderAllReportsNoChangesForEveryNode() throws IOException {
        ClusterSpec cluster = ApimHomes.spec("five-node.yaml");
        Path homes = homesFor(cluster);
        assertThat(renderAll(homes).exitCode()).isZero();

        FleetRun second = renderAll(homes);

        assertThat(second.exitCode()).as(second.err()).isZero();
        Map<String, List<String>> sections = sections(second.out());
        assertThat(sections.keySet()).containsExactlyElementsOf(apimNodes(cluster).stream().map(Node::name).toList());
        sections.forEach((node, lines) -> assertThat(lines).as(node).contains("no changes"));
    }

    @Test
    void aSecondIdenticalRenderAllTouchesNoFile() throws IOException {
        ClusterSpec cluster = ApimHomes.spec("five-node.yaml");
        Path homes = homesFor(cluster);
        assertThat(renderAll(homes).exitCode()).isZero();
        Map<String, Map<String, String>> contents = new TreeMap<>();
        Map<String, Map<String, FileTime>> times = new TreeMap<>();
        for (Node node : apimNodes(cluster)) {
            contents.put(node.name(), snapshot(homes.resolve(node.name())));
            times.put(node.name(), mtimes(homes.resolve(node.name())));
        }

        FleetRun second = renderAll(homes);

        assertThat(second.exitCode()).as(second.err()).isZero();
        for (Node node : apimNodes(cluster)) {
            assertThat(snapshot(homes.resolve(node.name()))).as(node.name()).isEqualTo(contents.get(node.name()));
            assertThat(mtimes(homes.resolve(node.name()))).as(node.name()).isEqualTo(times.get(node.name()));
        }
    }

    @Test
    void rollbackAfterRenderAllRestoresEveryHomeByteForByte() throws IOException {
        ClusterSpec cluster = ApimHomes.spec("five-node.yaml");
        Path homes = homesFor(cluster);
        Map<String, Map<String, String>> originals = new TreeMap<>();
        for (Node node : apimNodes(cluster)) {
            originals.put(node.name(), snapshot(homes.resolve(node.name())));
        }
        assertThat(renderAll(homes).exitCode()).isZero();

        for (Node node : apimNodes(cluster)) {
            Path home = homes.resolve(node.name());
            assertThat(snapshot(home)).as("%s was rendered", node.name()).isNotEqualTo(originals.get(node.name()));

            FleetRun rollback = FleetRun.of("render", "--rollback", "--home", home.toString());

            assertThat(rollback.exitCode()).as(rollback.err()).isZero();
            assertThat(snapshot(home)).as(node.name()).isEqualTo(originals.get(node.name()));
        }
    }

    // ---- errors ----

    @Test
    void aMissingSecretIsAnErrorNamingItAndItsEnvironmentVariable() throws IOException {
        assumeTrue(System.getenv("FLEET_SECRET_USERMGT_DB") == null, "FLEET_SECRET_USERMGT_DB is set in this environment");
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "km1",
                "--home", home.toString(), "--secrets", secretsFile(without(ApimHomes.SECRETS, "usermgt-db")).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("usermgt-db").contains("FLEET_SECRET_USERMGT_DB");
        assertNoStackTrace(run);
    }

    @Test
    void aMissingSecretLeavesTheHomeUntouched() throws IOException {
        assumeTrue(System.getenv("FLEET_SECRET_USERMGT_DB") == null, "FLEET_SECRET_USERMGT_DB is set in this environment");
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));
        Map<String, String> before = snapshot(home);

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "km1",
                "--home", home.toString(), "--secrets", secretsFile(without(ApimHomes.SECRETS, "usermgt-db")).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(snapshot(home)).isEqualTo(before);
    }

    @Test
    void anUnknownNodeIsAClearError() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "nope",
                "--home", home.toString(), "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("nope");
        assertNoStackTrace(run);
    }

    @Test
    void aMissingHomeDirectoryIsAClearError() throws IOException {
        Path missing = dir.resolve("no-such-home");

        FleetRun run = FleetRun.of("render", "-f", spec("five-node.yaml").toString(), "--node", "km1",
                "--home", missing.toString(), "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains(missing.toString()).contains("not a directory");
        assertNoStackTrace(run);
        assertThat(missing).doesNotExist();
    }

    @Test
    void aLoadBalancerNodeIsAnErrorSayingItRunsNoApim() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", spec("seven-node.yaml").toString(), "--node", "lb1",
                "--home", home.toString(), "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("lb1").contains("runs no API-M");
        assertNoStackTrace(run);
    }

    // ---- the JDBC driver jar ----

    @Test
    void aDriverJarThatIsNotOnThisMachineIsOneWarningAndTheNodeIsStillRendered() throws IOException {
        Path jar = dir.resolve("drivers/mysql-connector-java-5.1.49.jar");
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", specWithDriverJar(jar).toString(), "--node", "km1",
                "--home", home.toString(), "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).filteredOn(line -> line.startsWith("warning:")).singleElement().asString()
                .contains(jar.toString());
        assertThat(activeText(home.resolve(CARBON), "/Server/HostName")).isEqualTo("km1.five.test");
        assertThat(home.resolve(COMPONENTS_LIB).resolve(jar.getFileName())).doesNotExist();
    }

    @Test
    void aDriverJarThatIsNotOnThisMachineIsWarnedOnceWhenRenderingEveryNode() throws IOException {
        Path jar = dir.resolve("drivers/mysql-connector-java-5.1.49.jar");
        ClusterSpec cluster = ApimHomes.spec("five-node.yaml");
        Path homes = homesFor(cluster);

        FleetRun run = FleetRun.of("render", "-f", specWithDriverJar(jar).toString(), "--all", "--homes", homes.toString(),
                "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).filteredOn(line -> line.startsWith("warning:")).singleElement().asString()
                .contains(jar.toString());
        assertThat(sections(run.out()).keySet()).containsExactlyElementsOf(apimNodes(cluster).stream().map(Node::name).toList());
    }

    @Test
    void aDriverJarOnThisMachineLandsInComponentsLibWithTheSameBytes() throws IOException {
        byte[] content = new byte[4096];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);   // every byte value, binary (zeros, invalid UTF-8)
        }
        Path jar = Files.write(Files.createDirectories(dir.resolve("drivers")).resolve("postgresql-42.2.5.jar"), content);
        Path home = ApimHomes.copyOfReal(dir.resolve("home"));

        FleetRun run = FleetRun.of("render", "-f", specWithDriverJar(jar).toString(), "--node", "km1",
                "--home", home.toString(), "--secrets", secretsFile(ApimHomes.SECRETS).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).noneSatisfy(line -> assertThat(line).startsWith("warning:"));
        assertThat(home.resolve(COMPONENTS_LIB).resolve("postgresql-42.2.5.jar")).hasBinaryContent(content);
    }

    // ---- helpers ----

    /** A copy of one of the project's test specs, as a user would hold it. */
    private Path spec(String name) throws IOException {
        Path spec = dir.resolve(name);
        try (InputStream fixture = getClass().getResourceAsStream("/specs/" + name)) {
            Files.copy(fixture, spec);
        }
        return spec;
    }

    private Path specWithDriverJar(Path jar) throws IOException {
        String text = Files.readString(spec("five-node.yaml"));
        assertThat(text).contains("\ndatabases:\n");
        return Files.writeString(dir.resolve("with-driver.yaml"),
                text.replace("\ndatabases:\n", "\ndatabases:\n  driverJar: \"" + jar + "\"\n"));
    }

    private Path secretsFile(Map<String, String> secrets) throws IOException {
        StringBuilder lines = new StringBuilder("# test secrets\n");
        secrets.forEach((name, value) -> lines.append(name).append('=').append(value).append('\n'));
        return Files.writeString(dir.resolve("secrets-" + secrets.size() + ".txt"), lines);
    }

    private static Map<String, String> without(Map<String, String> secrets, String name) {
        Map<String, String> copy = new LinkedHashMap<>(secrets);
        assertThat(copy.remove(name)).isNotNull();
        return copy;
    }

    /** One fresh copy of the real home per API-M node, at {@code homes/<node>}. */
    private Path homesFor(ClusterSpec cluster) {
        Path homes = dir.resolve("homes");
        for (Node node : apimNodes(cluster)) {
            ApimHomes.copyOfReal(homes.resolve(node.name()));
        }
        return homes;
    }

    private FleetRun renderAll(Path homes) throws IOException {
        Path spec = dir.resolve("five-node.yaml");
        if (!Files.exists(spec)) {
            spec("five-node.yaml");
        }
        return FleetRun.of("render", "-f", spec.toString(), "--all", "--homes", homes.toString(),
                "--secrets", secretsFile(ApimHomes.SECRETS).toString());
    }

    private static List<Node> apimNodes(ClusterSpec cluster) {
        return cluster.nodes().stream().filter(n -> n.role().isApim()).toList();
    }

    /** The output of a run, by node: the lines after each {@code == node -> home} header. */
    private static Map<String, List<String>> sections(String out) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : out.lines().toList()) {
            if (line.startsWith("== ")) {
                current = new ArrayList<>();
                sections.put(line.substring(3, line.indexOf(" -> ")), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        return sections;
    }

    /** The lines of one file's diff in a dry run's output (from its {@code ---} line to the next file's). */
    private static List<String> diffOf(String out, String file) {
        List<String> lines = out.lines().toList();
        int start = lines.indexOf("--- a/" + file);
        assertThat(start).as("a diff of %s", file).isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("--- ") && !lines.get(end).startsWith("== ")) {
            end++;
        }
        return lines.subList(start, end);
    }

    /** A value as java.util.Properties files hold it: characters outside printable ASCII as backslash-u escapes. */
    private static String propertiesEscaped(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static void assertNoStackTrace(FleetRun run) {
        assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("internal error");
        assertThat(run.out()).doesNotContain("\tat ");
    }

    private static String activeText(Path file, String xpath) throws IOException {
        String source = Files.readString(file, StandardCharsets.ISO_8859_1);
        try {
            List<XmlElement> found = XPath.compile(xpath).select(XmlDocument.parse(source));
            assertThat(found).as("active %s in %s", xpath, file).hasSize(1);
            return found.get(0).text(source).strip();
        } catch (io.apimfleet.bundle.xml.XmlSyntaxException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Every path under {@code root}: directories as "dir", files as the SHA-256 of their bytes. */
    private static Map<String, String> snapshot(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                String rel = root.relativize(p).toString();
                out.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : sha256(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Map<String, FileTime> mtimes(Path root) {
        Map<String, FileTime> out = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.getLastModifiedTime(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.toList();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
