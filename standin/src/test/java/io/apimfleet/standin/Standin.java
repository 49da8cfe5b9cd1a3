package io.apimfleet.standin;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A stand-in started through its home's bin/wso2server.sh, as the agent starts the product. */
final class Standin implements AutoCloseable {
    final Path home;
    final Process process;
    final Path console;

    private Standin(Path home, Process process, Path console) {
        this.home = home;
        this.process = process;
        this.console = console;
    }

    /** {@code sh bin/wso2server.sh [-Dprofile=P] [extra...]} in the foreground. */
    static Standin foreground(Path home, String profile, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("bin/wso2server.sh").toString()));
        if (profile != null) {
            command.add("-Dprofile=" + profile);
        }
        command.addAll(List.of(extra));
        Path console = Files.createTempFile(home.getParent(), "console", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile());
        // The recipes set this for the real product; the stand-in must ignore it.
        builder.environment().put("JVM_MEM_OPTS", "-Xms1g -Xmx1g");
        builder.environment().remove("STANDIN_START_DELAY");
        return new Standin(home, builder.start(), console);
    }

    static int run(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("bin/wso2server.sh").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wso2server.sh " + String.join(" ", args) + " did not return within 60 s");
        }
        return p.exitValue();
    }

    String log() {
        return read(home.resolve("repository/logs/wso2carbon.log"));
    }

    String console() {
        return read(console);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The HTTP status of {@code GET path} over TLS, trusting whatever the server presents (the test
     * is the load balancer's probe here, not a peer), or -1 when nothing answers.
     */
    static int status(String host, int port, String path) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(host, port), 2000);
                plain.setSoTimeout(5000);
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
                    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    return Integer.parseInt(response.split(" ", 3)[1]);
                }
            }
        } catch (IOException e) {
            return -1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
