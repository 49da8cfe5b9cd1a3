package io.apimfleet.bundle;

import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.FileChange;
import io.apimfleet.protocol.bundle.RollbackResult;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.Probe;
import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.bundle.XmlSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.apimfleet.bundle.SampleBundles.CARBON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BundleApplierTest {
    private static final Secrets SECRETS = Secrets.of(Map.of("keystore-password", "s3cr&t-Value"));

    @TempDir
    Path dir;
    Path home;
    Path state;
    BundleApplier applier;

    @BeforeEach
    void setUp() {
        home = Homes.mini(dir);
        state = dir.resolve("state");
        applier = new BundleApplier(home, state, SECRETS);
    }

    @Test
    void applyChangesTheFilesTheOperationsName() throws Exception {
        ApplyResult result = applier.apply(SampleBundles.multiFile(1));

        assertThat(result.changed()).isTrue();
        String carbon = Files.readString(home.resolve(CARBON), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(carbon).contains("<HostName>km1.example</HostName>\n    <MgtHostName>km1.example</MgtHostName>")
                .contains("<Offset>1</Offset>").contains("<Password>s3cr&amp;t-Value</Password>");
        assertThat(home.resolve("repository/conf/registry_TM.xml")).doesNotExist();
        assertThat(Files.readString(home.resolve(SampleBundles.REGISTRY))).contains("TM registry");
        assertThat(home.resolve(SampleBundles.WEBAPPS).toFile().list()).containsExactlyInAnyOrder("oauth2", "oauth2.war");
        assertThat(home.resolve("repository/deployment/server/jaggeryapps/publisher")).doesNotExist();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("repository/conf/fleet-node.txt")))).isEqualTo("rw-r-----");
    }

    @Test
    void applyingTheSameBundleTwiceReportsNoChangesAndTouchesNoFile() throws Exception {
        applier.apply(SampleBundles.multiFile(1));
        Map<String, FileTime> before = mtimes(home);
        Map<String, String> content = Homes.snapshot(home);

        ApplyResult second = applier.apply(SampleBundles.multiFile(1));

        assertThat(second.changed()).isFalse();
        assertThat(second.operations()).allMatch(op -> !op.changed() && op.detail().equals("no change"));
        assertThat(mtimes(home)).isEqualTo(before);
        assertThat(Homes.snapshot(home)).isEqualTo(content);
        assertThat(applier.history()).hasSize(1);
    }

    @Test
    void rollbackRestoresTheHomeByteForByte() {
        Map<String, String> original = Homes.snapshot(home);
        applier.apply(SampleBundles.multiFile(1));

        RollbackResult rollback = applier.rollback(false);

        assertThat(Homes.snapshot(home)).isEqualTo(original);
        assertThat(rollback.undoneRevision()).isEqualTo(1);
        assertThat(rollback.currentRevision()).isZero();
        assertThat(applier.history()).isEmpty();
    }

    @Test
    void rollbackReturnsToThePreviousRevisionNotTheOriginal() {
        applier.apply(SampleBundles.multiFile(1));
        Map<String, String> afterFirst = Homes.snapshot(home);
        applier.apply(new Bundle("km1", 2, List.of(XmlSet.text(CARBON, "/Server/Ports/Offset", "7"))));

        assertThat(applier.rollback(false).currentRevision()).isEqualTo(1);
        assertThat(Homes.snapshot(home)).isEqualTo(afterFirst);
    }

    @Test
    void rollbackRefusesToOverwriteFilesChangedSinceUnlessForced() throws Exception {
        Map<String, String> original = Homes.snapshot(home);
        applier.apply(SampleBundles.multiFile(1));
        Files.writeString(home.resolve(CARBON), "<Server>hand edit</Server>");

        assertThatThrownBy(() -> applier.rollback(false)).isInstanceOf(BundleException.class)
                .hasMessageContaining("files changed since revision 1").hasMessageContaining(CARBON);
        applier.rollback(true);
        assertThat(Homes.snapshot(home)).isEqualTo(original);
    }

    @Test
    void rollbackOfARevisionThatIsNotTheAppliedOneIsRefusedAndChangesNothing() {
        applier.apply(SampleBundles.multiFile(1));
        applier.apply(new Bundle("km1", 2, List.of(XmlSet.text(CARBON, "/Server/Ports/Offset", "7"))));
        Map<String, String> applied = Homes.snapshot(home);

        assertThatThrownBy(() -> applier.rollback(false, 1)).isInstanceOf(BundleException.class)
                .hasMessageContaining("revision 1 is not the one applied").hasMessageContaining("revision 2 is");
        assertThat(Homes.snapshot(home)).isEqualTo(applied);
        assertThat(applier.rollback(false, 2).undoneRevision()).isEqualTo(2);
    }

    @Test
    void rollbackSaysWhetherTheProductsCommandChangesBack() {
        ProcessSpec small = new ProcessSpec(List.of("sh", "bin/wso2server.sh"), Map.of("JVM_MEM_OPTS", "-Xmx256m"));
        ProcessSpec large = new ProcessSpec(List.of("sh", "bin/wso2server.sh"), Map.of("JVM_MEM_OPTS", "-Xmx512m"));
        applier.apply(new Bundle("km1", 1, List.of(XmlSet.text(CARBON, "/Server/Ports/Offset", "5")), small));
        applier.apply(new Bundle("km1", 2, List.of(XmlSet.text(CARBON, "/Server/Ports/Offset", "6")), small));
        applier.apply(new Bundle("km1", 3, List.of(XmlSet.text(CARBON, "/Server/Ports/Offset", "7")), large));

        assertThat(applier.rollback(false).runtimeChanged()).isTrue();
        assertThat(applier.rollback(false).runtimeChanged()).isFalse();
    }

    @Test
    void rollbackWithNothingAppliedSaysSo() {
        assertThatThrownBy(() -> applier.rollback(false)).hasMessageContaining("nothing to roll back");
    }

    @Test
    void aFailingOperationLeavesTheHomeUntouchedAndNamesFileAndXPath() {
        Map<String, String> original = Homes.snapshot(home);
        Bundle bad = new Bundle("km1", 1, List.of(
                XmlSet.text(CARBON, "/Server/Ports/Offset", "3"),
                XmlSet.text("repository/conf/axis2/axis2.xml", "/axisconfig/nothing", "x")));

        assertThatThrownBy(() -> applier.apply(bad)).isInstanceOf(BundleException.class)
                .hasMessage("operation 2 (xml.set repository/conf/axis2/axis2.xml /axisconfig/nothing): XPath /axisconfig/nothing matches nothing");
        assertThat(Homes.snapshot(home)).isEqualTo(original);
        assertThat(applier.history()).isEmpty();
    }

    @Test
    void aFileThatIsNotWellFormedStopsTheBundleBeforeAnySwap() throws Exception {
        Files.writeString(home.resolve("repository/conf/broken.xml"), "<a><b></a>");
        Map<String, String> original = Homes.snapshot(home);
        Bundle bad = new Bundle("km1", 1, List.of(
                XmlSet.text(CARBON, "/Server/Ports/Offset", "3"),
                XmlSet.text("repository/conf/broken.xml", "/a/b", "x")));

        assertThatThrownBy(() -> applier.apply(bad)).hasMessageContaining("repository/conf/broken.xml")
                .hasMessageContaining("not well-formed XML at line 1");
        assertThat(Homes.snapshot(home)).isEqualTo(original);
    }

    @Test
    void aPathLeavingTheHomeIsRefused() {
        Bundle escape = new Bundle("km1", 1, List.of(FileWrite.text("../outside.txt", "x", null)));
        assertThatThrownBy(() -> applier.apply(escape)).hasMessageContaining("leaves the home");
        assertThat(dir.resolve("outside.txt")).doesNotExist();
    }

    @Test
    void aMissingSecretIsAnErrorThatNamesItAndNotAValue() {
        BundleApplier noSecrets = new BundleApplier(home, state, Secrets.none());
        assertThatThrownBy(() -> noSecrets.apply(SampleBundles.multiFile(1)))
                .hasMessageContaining("secret 'keystore-password' is not available")
                .hasMessageContaining("FLEET_SECRET_KEYSTORE_PASSWORD");
    }

    @Test
    void aDryRunShowsUnifiedDiffsWithSecretsMaskedAndWritesNothing() {
        Map<String, String> original = Homes.snapshot(home);

        ApplyResult plan = applier.plan(SampleBundles.multiFile(1));

        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.diff()).contains("--- a/" + CARBON, "+++ b/" + CARBON,
                "-        <Offset>0</Offset>", "+        <Offset>1</Offset>",
                "+            <Password>(secret)</Password>")
                .doesNotContain("s3cr").doesNotContain("t-Value");
        assertThat(Homes.snapshot(home)).isEqualTo(original);
        assertThat(state).doesNotExist();
    }

    @Test
    void theResultReportsPerOperationWhatChanged() {
        ApplyResult result = applier.apply(SampleBundles.multiFile(1));
        assertThat(result.operations()).hasSize(12);
        assertThat(result.operations().get(0).detail()).isEqualTo("uncommented");
        assertThat(result.operations().get(9).detail()).isEqualTo("removed am#sample#pizzashack#v1.war, api#am#store#v0.12.war");
        assertThat(result.files()).extracting(FileChange::path).contains(CARBON, "repository/conf/registry_TM.xml");
    }

    @Test
    void backupsAndJournalLiveInTheStateDirectoryNotTheHome() {
        applier.apply(SampleBundles.multiFile(1));
        assertThat(state.resolve("history.json")).exists();
        assertThat(state.resolve("backups/1/" + CARBON)).exists();
        assertThat(Homes.snapshot(home).keySet()).noneMatch(p -> p.contains("fleet-swap") || p.contains("history"));
    }

    @Test
    void aStateDirectoryInsideTheHomeIsRefused() {
        assertThatThrownBy(() -> new BundleApplier(home, home.resolve("state"), SECRETS))
                .hasMessageContaining("must be outside the home");
    }

    @Test
    void bundlesSurviveAJsonRoundTrip() throws Exception {
        Bundle bundle = SampleBundles.multiFile(3);
        String json = Json.mapper().writeValueAsString(bundle);
        assertThat(json).contains("\"op\":\"xml.uncomment\"", "\"op\":\"dir.prune\"");
        assertThat(Json.mapper().readValue(json, Bundle.class)).isEqualTo(bundle);
    }

    @Test
    void anUnknownOperationInJsonIsRejected() {
        assertThatThrownBy(() -> Json.mapper().readValue("{\"node\":\"a\",\"revision\":1,\"operations\":[{\"op\":\"xml.nope\"}]}", Bundle.class))
                .hasMessageContaining("xml.nope");
    }

    private static Map<String, FileTime> mtimes(Path home) throws Exception {
        Map<String, FileTime> times = new TreeMap<>();
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.toList()) {
                times.put(home.relativize(p).toString(), Files.getLastModifiedTime(p));
            }
        }
        return times;
    }

    private static Bundle withProcess(Bundle bundle, long revision, String heap, Duration probeInterval) {
        Probe probe = new Probe("console", Probe.Kind.TCP,
                "127.0.0.1", 9443, null, probeInterval, Duration.ofSeconds(1), 1, 3, Duration.ofMinutes(1));
        return new Bundle(bundle.node(), revision, bundle.operations(),
                new ProcessSpec(List.of("sh", "bin/wso2server.sh"), Map.of("JVM_MEM_OPTS", "-Xmx" + heap)), List.of(probe));
    }

    @Test
    void aNewProductCommandWithTheSameFilesIsRecordedAndAsksForARestart() {
        applier.apply(withProcess(SampleBundles.multiFile(1), 1, "1g", Duration.ofSeconds(5)));
        ApplyResult result = applier.apply(withProcess(SampleBundles.multiFile(2), 2, "2g", Duration.ofSeconds(5)));
        assertThat(result.changed()).isFalse();
        assertThat(result.runtimeChanged()).isTrue();
        assertThat(result.restartNeeded()).isTrue();
        assertThat(applier.history()).hasSize(2);
    }

    @Test
    void newProbesAloneAreRecordedWithoutAskingForARestart() {
        applier.apply(withProcess(SampleBundles.multiFile(1), 1, "1g", Duration.ofSeconds(5)));
        ApplyResult result = applier.apply(withProcess(SampleBundles.multiFile(2), 2, "1g", Duration.ofMillis(250)));
        assertThat(result.probesChanged()).isTrue();
        assertThat(result.restartNeeded()).isFalse();
        assertThat(applier.history()).hasSize(2);
    }

    @Test
    void theSameFilesCommandAndProbesRecordNothingNew() {
        applier.apply(withProcess(SampleBundles.multiFile(1), 1, "1g", Duration.ofSeconds(5)));
        ApplyResult result = applier.apply(withProcess(SampleBundles.multiFile(2), 2, "1g", Duration.ofSeconds(5)));
        assertThat(result.differs()).isFalse();
        assertThat(applier.history()).hasSize(1);
    }
}
