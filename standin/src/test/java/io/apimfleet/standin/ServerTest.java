package io.apimfleet.standin;

import io.apimfleet.standin.home.MakeHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stand-in played through bin/wso2server.sh, with real sockets and TLS on 127.0.0.61-69 (one
 * address per node of a test) and no sleeps: every wait has a deadline.
 */
class ServerTest {
    private static final String CONSOLE = "/carbon/admin/login.jsp";
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void foregroundWritesPidAndLogAndAnswers503UntilTheStartDelayHasPassedThen200() throws Exception {
        Path home = TestHomes.make(dir.resolve("home"), "127.0.0.61", Duration.ofSeconds(4));

        try (Standin standin = Standin.foreground(home, null)) {
            await().atMost(DEADLINE).until(() -> Standin.status("127.0.0.61", 9443, CONSOLE) == 503);
            assertThat(Files.readString(home.resolve("wso2carbon.pid")).strip()).isEqualTo(Long.toString(standin.process.pid()));
            await().atMost(DEADLINE).until(() -> Standin.status("127.0.0.61", 9443, CONSOLE) == 200);
            assertThat(standin.log()).contains("standin: listening 9443 tls on 127.0.0.61", "standin: healthy after");
            assertThat(standin.console()).contains("standin: healthy after");
        }
    }

    @Test
    void startReturnsWithTheServerInTheBackgroundAndStopEndsItWithExitZero() throws Exception {
        Path home = TestHomes.make(dir.resolve("home"), "127.0.0.62", Duration.ofMillis(100));

        assertThat(Standin.run(home, "-Dprofile=api-store", "start")).isZero();
        await().atMost(DEADLINE).until(() -> Standin.status("127.0.0.62", 9443, CONSOLE) == 200);
        long pid = Long.parseLong(Files.readString(home.resolve("wso2carbon.pid")).strip());
        assertThat(ProcessHandle.of(pid)).isPresent();

        assertThat(Standin.run(home, "stop")).isZero();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.readString(home.resolve("repository/logs/wso2carbon.log"))).contains("standin: stopped");
        assertThat(Standin.status("127.0.0.62", 9443, CONSOLE)).isEqualTo(-1);
    }

    @Test
    void sigtermStopsTheForegroundServerWithExitZero() throws Exception {
        Path home = TestHomes.make(dir.resolve("home"), "127.0.0.62", Duration.ofMillis(100));
        try (Standin standin = Standin.foreground(home, "api-publisher")) {
            await().atMost(DEADLINE).until(() -> standin.log().contains("standin: listening 9443"));

            standin.process.destroy();

            assertThat(standin.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(standin.process.exitValue()).isZero();
            assertThat(standin.log()).contains("standin: stopped");
        }
    }

    @Test
    void aTrafficManagerWhoseWebappsAreStillThereExitsNamingThem() throws Exception {
        Path home = TestHomes.make(dir.resolve("home"), "127.0.0.63", Duration.ZERO);

        try (Standin standin = Standin.foreground(home, "traffic-manager")) {
            assertThat(standin.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(standin.process.exitValue()).isNotZero();
            assertThat(standin.log()).contains("ERROR", "traffic-manager profile", "repository/deployment/server/webapps",
                    "oauth2.war");
        }
    }

    @Test
    void aKeystoreThatDoesNotOpenWithItsConfiguredPasswordExitsNamingTheFileNotThePassword() throws Exception {
        Path home = TestHomes.make(dir.resolve("home"), "127.0.0.64", Duration.ZERO);
        TestHomes.edit(home, "repository/conf/carbon.xml", "<Password>wso2carbon</Password>\n            <!-- Private Key alias-->",
                "<Password>not-the-right-one</Password>\n            <!-- Private Key alias-->");

        try (Standin standin = Standin.foreground(home, "api-key-manager")) {
            assertThat(standin.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(standin.process.exitValue()).isNotZero();
            assertThat(standin.log()).contains("ERROR", home.resolve("repository/resources/security/wso2carbon.jks").toString(),
                    "carbon.xml Security/KeyStore").doesNotContain("not-the-right-one");
        }
    }

    @Test
    void aGatewayWhoseKeyManagerIsAbsentStays503() throws Exception {
        Path home = TestHomes.make(dir.resolve("home"), "127.0.0.65", Duration.ZERO);
        // 127.0.0.63 is the traffic-manager test's address, which never binds.
        TestHomes.keyManagerAt(home, "127.0.0.63");

        try (Standin standin = Standin.foreground(home, "gateway-worker")) {
            await().atMost(DEADLINE).until(() -> standin.log().contains(
                    "standin: dependency key-manager https://127.0.0.63:9443 FAILED: connection refused"));
            await().during(SHORT).atMost(DEADLINE).until(() -> Standin.status("127.0.0.65", 9443, CONSOLE) == 503);
            assertThat(standin.log()).doesNotContain("healthy after");
        }
    }

    @Test
    void aGatewayWhoseKeyManagerPresentsCnLocalhostLogsTheHostNameMismatchAndStaysUnhealthy() throws Exception {
        // Both homes keep the stores the product ships (one zip: the same CN=localhost key).
        Path keyManagerHome = TestHomes.make(dir.resolve("km"), "127.0.0.67", Duration.ZERO);
        Path gatewayHome = TestHomes.make(MakeHome.Options.ofThisJvm(dir.resolve("gw")).withStoresFrom(keyManagerHome),
                "127.0.0.66", Duration.ZERO);
        TestHomes.keyManagerAt(gatewayHome, "127.0.0.67");

        try (Standin keyManager = Standin.foreground(keyManagerHome, "api-key-manager");
             Standin gateway = Standin.foreground(gatewayHome, "gateway-worker")) {
            await().atMost(DEADLINE).until(() -> Standin.status("127.0.0.67", 9443, CONSOLE) == 200);
            await().atMost(DEADLINE).until(() -> gateway.log().contains(
                    "ERROR {StandIn} - standin: dependency key-manager https://127.0.0.67:9443 FAILED: certificate names do not match host 127.0.0.67"));
            assertThat(gateway.log()).contains("subject=CN=localhost,O=WSO2");
            await().during(SHORT).atMost(DEADLINE).until(() -> Standin.status("127.0.0.66", 9443, CONSOLE) == 503);
        }
    }

    @Test
    void aStoreWhoseKeyManagerIsHealthyAndProperlyCertifiedBecomesHealthy() throws Exception {
        Path keyManagerHome = TestHomes.make(dir.resolve("km"), "127.0.0.69", Duration.ZERO);
        Path storeHome = TestHomes.make(MakeHome.Options.ofThisJvm(dir.resolve("store")).withStoresFrom(keyManagerHome),
                "127.0.0.68", Duration.ZERO);
        Path keyManagerTls = TestHomes.ownTlsKey(keyManagerHome, "127.0.0.69", "km-tls-secret");
        Path storeTls = TestHomes.ownTlsKey(storeHome, "127.0.0.68", "store-tls-secret");
        TestHomes.trust(storeHome, keyManagerTls, "km-tls-secret", "127.0.0.69");
        TestHomes.trust(keyManagerHome, storeTls, "store-tls-secret", "127.0.0.68");
        TestHomes.keyManagerAt(storeHome, "127.0.0.69");

        try (Standin keyManager = Standin.foreground(keyManagerHome, "api-key-manager");
             Standin store = Standin.foreground(storeHome, "api-store")) {
            await().atMost(DEADLINE).until(() -> Standin.status("127.0.0.68", 9443, CONSOLE) == 200);

            assertThat(store.log()).contains("standin: dependency key-manager https://127.0.0.69:9443 verified subject=CN=127.0.0.69 issuer=CN=127.0.0.69",
                    "standin: healthy after").doesNotContain("km-tls-secret", "store-tls-secret");
        }
    }
}
