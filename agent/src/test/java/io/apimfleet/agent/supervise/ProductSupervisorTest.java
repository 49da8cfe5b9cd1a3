package io.apimfleet.agent.supervise;

import io.apimfleet.protocol.bundle.ProcessSpec;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ProductSupervisorTest {
    /** Says it started, exits 0 on SIGTERM. */
    private static final ProcessSpec POLITE = sh("echo started; echo \"secret is $FLEET_TEST_SECRET\" >/dev/null; "
            + "trap 'echo terminated; exit 0' TERM; while :; do sleep 1; done");
    /** Ignores SIGTERM. */
    private static final ProcessSpec STUBBORN = sh("trap '' TERM; echo stubborn; while :; do sleep 1; done");

    record Event(String type, Map<String, Object> fields) {
    }

    @TempDir
    Path tmp;
    private Vertx vertx;
    private Path home;
    private Path state;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<ProductSupervisor> supervisors = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        vertx = Vertx.vertx();
        home = Files.createDirectories(tmp.resolve("home"));
        state = Files.createDirectories(tmp.resolve("state"));
    }

    @AfterEach
    void tearDown() {
        for (ProductSupervisor s : supervisors) {
            s.close();
            s.stop(Duration.ZERO, true);
        }
        vertx.close().await();
    }

    private ProductSupervisor supervisor() {
        ProductSupervisor s = new ProductSupervisor(vertx, state, (type, fields) -> events.add(new Event(type, fields)), line -> { });
        supervisors.add(s);
        s.adoptAndWatch();
        return s;
    }

    private static ProcessSpec sh(String script) {
        return new ProcessSpec(List.of("sh", "-c", script), Map.of("FLEET_TEST_SECRET", "s3cr3t"));
    }

    @Test
    void startsInItsOwnSessionAndRecordsThePid() throws IOException {
        ProductSupervisor s = supervisor();
        long pid = s.start(POLITE, home);

        assertThat(s.state()).isEqualTo(ProductSupervisor.State.RUNNING);
        Path pidFile = state.resolve("product/pid");
        assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(pid));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pidFile))).isEqualTo("rw-------");
        assertThat(state.resolve("product/run.sh")).exists();
        assertThat(home).isEmptyDirectory();   // nothing written into the home

        long[] stat = ProductSupervisor.stat(pid).orElseThrow();
        long[] mine = ProductSupervisor.stat(ProcessHandle.current().pid()).orElseThrow();
        assertThat(stat[0]).isEqualTo(pid).isNotEqualTo(mine[0]);   // session leader of a session of its own

        await().atMost(Duration.ofSeconds(10)).until(() -> s.logs(10).contains("started"));
        assertThat(events).containsExactly(new Event(FleetEvent.PRODUCT_STARTED, Map.of("pid", pid)));
        assertThatThrownBy(() -> s.start(POLITE, home)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running");
    }

    @Test
    void aSecondSupervisorAdoptsTheRunningProductWithoutRestartingIt() {
        ProductSupervisor first = supervisor();
        long pid = first.start(POLITE, home);
        long startTime = ProductSupervisor.stat(pid).orElseThrow()[1];
        first.close();   // the agent goes away; the product stays

        ProductSupervisor second = supervisor();
        assertThat(second.state()).isEqualTo(ProductSupervisor.State.RUNNING);
        assertThat(second.pid()).contains(pid);
        assertThat(ProductSupervisor.stat(pid).orElseThrow()[1]).isEqualTo(startTime);
        assertThat(events).extracting(Event::type).containsExactly(FleetEvent.PRODUCT_STARTED);

        assertThat(second.stop(Duration.ofSeconds(20), false)).isEqualTo(ProductSupervisor.State.STOPPED);
        assertThat(ProductSupervisor.stat(pid)).isEmpty();
    }

    @Test
    void aReusedPidIsNotAdopted() throws IOException {
        Path dir = Files.createDirectories(state.resolve("product"));
        Files.writeString(dir.resolve("pid"), ProcessHandle.current().pid() + "\n");
        Files.writeString(dir.resolve("start-time"), "1\n");   // not this JVM's start time

        ProductSupervisor s = supervisor();
        assertThat(s.state()).isEqualTo(ProductSupervisor.State.EXITED);
        assertThat(events).extracting(Event::type).containsExactly(FleetEvent.PRODUCT_EXITED);
    }

    @Test
    void stopSendsTermAndTheProductEndsGracefully() {
        ProductSupervisor s = supervisor();
        long pid = s.start(POLITE, home);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.logs(10).contains("started"));

        assertThat(s.stop(Duration.ofSeconds(20), false)).isEqualTo(ProductSupervisor.State.STOPPED);

        assertThat(ProductSupervisor.stat(pid)).isEmpty();
        assertThat(s.lastExitCode()).contains(0);   // exited by its TERM trap, not killed
        assertThat(s.logs(5)).contains("terminated");
        assertThat(state.resolve("product/pid")).doesNotExist();
        Event exited = events.get(events.size() - 1);
        assertThat(exited.type()).isEqualTo(FleetEvent.PRODUCT_EXITED);
        assertThat(exited.fields()).containsEntry("code", 0).containsEntry("requested", true);
        assertThat(events.toString()).doesNotContain("s3cr3t").doesNotContain("FLEET_TEST_SECRET");
    }

    @Test
    void aProductThatIgnoresTermIsKilledAfterTheTimeout() {
        ProductSupervisor s = supervisor();
        long pid = s.start(STUBBORN, home);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.logs(10).contains("stubborn"));

        long before = System.nanoTime();
        assertThat(s.stop(Duration.ofMillis(700), false)).isEqualTo(ProductSupervisor.State.STOPPED);

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(ProductSupervisor.stat(pid)).isEmpty();
        assertThat(s.lastExitCode()).isEmpty();   // killed with its wrapper: no code recorded
    }

    @Test
    void forceKillsAtOnce() {
        ProductSupervisor s = supervisor();
        long pid = s.start(STUBBORN, home);

        assertThat(s.stop(Duration.ofSeconds(30), true)).isEqualTo(ProductSupervisor.State.STOPPED);
        assertThat(ProductSupervisor.stat(pid)).isEmpty();
    }

    @Test
    void aProductThatExitsAtOnceIsReportedWithItsCodeAndLastLines() {
        ProductSupervisor s = supervisor();
        s.start(sh("echo 'cannot bind 9443' >&2; echo giving up; exit 3"), home);

        await().atMost(Duration.ofSeconds(10)).until(() -> s.state() == ProductSupervisor.State.EXITED);
        assertThat(s.lastExitCode()).contains(3);
        Event exited = events.get(events.size() - 1);
        assertThat(exited.type()).isEqualTo(FleetEvent.PRODUCT_EXITED);
        assertThat(exited.fields()).containsEntry("code", 3).containsEntry("requested", false);
        assertThat(exited.fields().get("lastLines")).asList().contains("cannot bind 9443", "giving up");

        s.start(POLITE, home);   // it can be started again
        assertThat(s.state()).isEqualTo(ProductSupervisor.State.RUNNING);
    }

    @Test
    void logsReturnsTheTail() throws IOException {
        ProductSupervisor s = supervisor();
        assertThat(s.logs(10)).isEmpty();
        s.start(sh("i=1; while [ $i -le 1500 ]; do echo line $i; i=$((i+1)); done"), home);
        await().atMost(Duration.ofSeconds(20)).until(() -> s.state() == ProductSupervisor.State.EXITED);

        assertThat(s.logs(3)).isEqualTo("line 1498\nline 1499\nline 1500");
        assertThat(s.logs(5000).split("\n")).hasSize(ProductSupervisor.MAX_LOG_LINES);
        assertThat(ProductSupervisor.tail(tmp.resolve("absent.log"), 5)).isEmpty();
        Path small = Files.writeString(tmp.resolve("small.log"), "a\nb");
        assertThat(ProductSupervisor.tail(small, 5)).containsExactly("a", "b");
    }

    @Test
    void restartStopsThenStartsAgain() {
        ProductSupervisor s = supervisor();
        long first = s.start(POLITE, home);
        long second = s.restart(POLITE, home, Duration.ofSeconds(20));

        assertThat(second).isNotEqualTo(first);
        assertThat(ProductSupervisor.stat(first)).isEmpty();
        assertThat(s.state()).isEqualTo(ProductSupervisor.State.RUNNING);
        assertThat(events).extracting(Event::type).containsExactly(
                FleetEvent.PRODUCT_STARTED, FleetEvent.PRODUCT_EXITED, FleetEvent.PRODUCT_STARTED);
    }
}
