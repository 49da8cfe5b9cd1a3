package io.apimfleet.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stand-in server of a home made by the built distribution starts with the class-data archive
 * the build made ({@code lib/cds/apim-standin-server.jsa}, packaging/src/build/cds-train.sh), and
 * a JVM that cannot use an archive starts all the same, without a word about it on its output.
 * Each server binds 127.0.0.140 only.
 */
class StandinClassDataTest {
    private static final String ADDRESS = "127.0.0.140";
    private static final Path ARCHIVE = Launched.DIST.resolve("lib/cds/apim-standin-server.jsa");

    @TempDir
    Path dir;

    @Test
    void aDistributionsHomeStartsItsServerWithTheArchiveMapped() throws Exception {
        assertThat(ARCHIVE).as("the build's class-data archive").isNotEmptyFile();
        Path home = home("home");

        try (Server server = Server.start(home, 0)) {
            assertThat(server.mappedFiles()).contains(ARCHIVE.toString());
            assertThat(server.output()).doesNotContain("cds");
        }
    }

    @Test
    void theArchiveOfAnotherClassPathIsLeftOutSilently() throws Exception {
        Path home = home("home");
        // The distribution's jars elsewhere, as after a move: the archive no longer matches the class path.
        Path moved = Files.createDirectories(dir.resolve("moved-lib"));
        try (Stream<Path> jars = Files.list(Launched.DIST.resolve("lib"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, moved.resolve(jar.getFileName()));
            }
        }
        Path script = home.resolve("bin/wso2server.sh");
        Files.writeString(script, Files.readString(script).lines()
                .map(line -> line.startsWith("STANDIN_CLASSPATH=") ? line.replace(Launched.DIST.resolve("lib") + "/", moved + "/") : line)
                .collect(Collectors.joining("\n", "", "\n")));

        try (Server server = Server.start(home, 1)) {
            assertThat(server.commandLine()).contains(moved + "/").contains("-XX:SharedArchiveFile=" + ARCHIVE);
            assertThat(server.mappedFiles()).doesNotContain(ARCHIVE.toString());
            assertThat(server.output()).doesNotContain("cds").doesNotContain("warning");
        }
    }

    private Path home(String name) throws IOException {
        Path home = dir.resolve(name);
        Launched.run(dir.resolve("make-home-" + name + ".log"), "apim-standin", "make-home", "--start-delay", "0s", home.toString());
        assertThat(Files.readString(home.resolve("bin/wso2server.sh"))).contains("-XX:SharedArchiveFile='" + ARCHIVE + "'");
        Path carbon = home.resolve("repository/conf/carbon.xml");
        Files.writeString(carbon, Files.readString(carbon).replace("<!--HostName>www.wso2.org</HostName-->", "<HostName>" + ADDRESS + "</HostName>"));
        return home;
    }

    /** {@code sh bin/wso2server.sh} in the foreground: the shell execs the JVM, so the pid is the server's. */
    private record Server(Process process, Path stdout) implements AutoCloseable {
        static Server start(Path home, int portOffset) throws IOException {
            Path output = home.resolve("stdout.log");
            Process process = new ProcessBuilder("sh", home.resolve("bin/wso2server.sh").toString(), "-DportOffset=" + portOffset)
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            Server server = new Server(process, output);
            Path log = home.resolve("repository/logs/wso2carbon.log");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive() || Files.exists(log) && Files.readString(log).contains("standin: healthy"));
            assertThat(process.isAlive()).as("the server runs: %s", server.output()).isTrue();
            return server;
        }

        List<String> mappedFiles() throws IOException {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "maps")).stream()
                    .map(line -> line.replaceFirst("^(\\S+\\s+){5}", "").strip()).filter(name -> !name.isEmpty()).distinct().toList();
        }

        String commandLine() throws IOException {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        }

        String output() throws IOException {
            return Files.readString(stdout);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }
}
