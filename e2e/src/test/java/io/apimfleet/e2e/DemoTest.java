package io.apimfleet.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fleet demo} as a user runs it: the built distribution's {@code bin/fleet demo --dir DIR}
 * reaches "all healthy", its printed {@code fleet status} command works, and after SIGINT (Ctrl-C)
 * it exits having stopped every process it started: none whose command line names DIR is left.
 */
class DemoTest {
    private static final Duration ALL_HEALTHY_DEADLINE = Duration.ofMinutes(3);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path temp;
    private Path dir;
    private Launched demo;

    @AfterEach
    void stopWhatIsLeft() throws Exception {
        if (demo != null && demo.process().isAlive()) {
            interrupt(demo.process());
            demo.process().waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            demo.close();
        }
        if (dir != null) {
            processesNaming(dir).forEach(ProcessHandle::destroyForcibly);   // only when the test already failed
        }
    }

    @Test
    void theFiveNodeDemoBecomesAllHealthyAndCtrlCLeavesNothingRunning() throws Exception {
        run(List.of(), 5);
    }

    @Test
    void theHaDemoBecomesAllHealthyBehindHaproxyAndCtrlCLeavesNothingRunning() throws Exception {
        assumeThat(haproxyInstalled()).as("SKIPPED: haproxy is not installed (apt-get install -y haproxy; .ci/run does it)").isTrue();
        run(List.of("--ha"), 8);
    }

    private void run(List<String> options, int nodes) throws Exception {
        assumeThat(Files.isExecutable(Launched.DIST.resolve("bin/fleet"))).as("built distribution at " + Launched.DIST).isTrue();
        dir = temp.resolve("demo");
        List<String> args = new ArrayList<>(List.of("demo", "--dir", dir.toString()));
        args.addAll(options);
        long started = System.nanoTime();
        demo = startWithDefaultSigint(temp.resolve("demo.log"), args);

        await().atMost(ALL_HEALTHY_DEADLINE).pollInterval(Duration.ofMillis(250))
                .until(() -> demo.output().contains("all healthy") || !demo.process().isAlive());
        long healthyMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(demo.output()).as("fleet demo %s output", options).contains("fleet demo: all healthy");
        assertThat(demo.process().isAlive()).isTrue();
        System.out.println("fleet demo " + String.join(" ", options) + ": all healthy " + healthyMs + " ms after it started ("
                + nodes + " nodes)");

        String status = Launched.run(temp.resolve("status.log"), "fleet", "status", "--state", dir.resolve("controller").toString());
        assertThat(status.lines().filter(l -> l.matches(".*\\syes\\s+running\\s+healthy\\s.*")).count()).as(status).isEqualTo(nodes);
        assertThat(processesNaming(dir)).as("the demo's processes while it runs").isNotEmpty();

        long interrupted = System.nanoTime();
        interrupt(demo.process());
        assertThat(demo.process().waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("the demo exited after SIGINT").isTrue();
        long exitMs = (System.nanoTime() - interrupted) / 1_000_000;
        assertThat(demo.process().exitValue()).as("exit status after SIGINT (128 + 2)").isEqualTo(130);
        assertThat(demo.output()).contains("fleet demo: stopped").contains("none left running");
        assertThat(processesNaming(dir)).as("processes naming " + dir + " after the demo exited").isEmpty();
        System.out.println("fleet demo " + String.join(" ", options) + ": exited " + exitMs + " ms after SIGINT; "
                + demo.output().lines().filter(l -> l.contains("fleet demo: stopped")).findFirst().orElse(""));
    }

    /**
     * A shell that starts a command in the background makes it ignore SIGINT, and a JVM that
     * starts ignoring SIGINT keeps ignoring it (no shutdown hook runs), so whether Ctrl-C reaches
     * the demo would depend on how the build was started; {@code env --default-signal=INT} (GNU
     * coreutils) gives the demo the disposition it has on a terminal.
     */
    private static Launched startWithDefaultSigint(Path log, List<String> args) throws IOException {
        List<String> line = new ArrayList<>(List.of("env", "--default-signal=INT", Launched.DIST.resolve("bin/fleet").toString()));
        line.addAll(args);
        Files.createDirectories(log.getParent());
        return new Launched(new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    }

    private static void interrupt(Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Every process whose command line names {@code dir}, read from /proc (this test's JVM never does). */
    private static List<ProcessHandle> processesNaming(Path dir) throws IOException {
        String named = dir.toString() + "/";
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String commandLine;
                try {
                    commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                } catch (IOException gone) {
                    continue;
                }
                if (commandLine.contains(named) || commandLine.endsWith(dir.toString() + " ")) {
                    ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    private static boolean haproxyInstalled() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) || Files.isExecutable(Path.of("/usr/bin/haproxy"));
    }
}
