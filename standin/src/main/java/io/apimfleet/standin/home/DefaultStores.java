package io.apimfleet.standin.home;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stores API-M ships, remade: {@code wso2carbon.jks} with a fresh CN=localhost RSA 2048 key
 * (made by the JDK's keytool, as no key-generation library may be used here) and
 * {@code client-truststore.jks} trusting its certificate. The product's public CA entries are left out.
 */
public final class DefaultStores {
    public static final String SECURITY = "repository/resources/security";
    public static final String PRIMARY = "wso2carbon.jks";
    public static final String TRUST = "client-truststore.jks";
    /** The shipped password of both stores and of the key. */
    public static final String PASSWORD = "wso2carbon";
    public static final String ALIAS = "wso2carbon";
    public static final String DNAME = "CN=localhost, O=WSO2, L=Mountain View, ST=CA, C=US";
    private static final Duration KEYTOOL_DEADLINE = Duration.ofSeconds(60);

    private DefaultStores() {
    }

    public static void write(Path home) throws IOException {
        Path security = Files.createDirectories(home.resolve(SECURITY));
        Path primary = security.resolve(PRIMARY);
        Files.deleteIfExists(primary);
        keytool(security, List.of("-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-dname", DNAME, "-validity", "3650", "-storetype", "JKS", "-keystore", primary.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        try (InputStream in = Files.newInputStream(primary); OutputStream out = Files.newOutputStream(security.resolve(TRUST))) {
            KeyStore keys = KeyStore.getInstance("JKS");
            keys.load(in, PASSWORD.toCharArray());
            Certificate certificate = keys.getCertificate(ALIAS);
            KeyStore trust = KeyStore.getInstance("JKS");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, certificate);
            trust.store(out, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write " + security.resolve(TRUST) + ": " + e.getMessage(), e);
        }
    }

    /** Copies the two stores of another home: two homes made from "the same zip" share the shipped key. */
    public static void copy(Path fromHome, Path home) throws IOException {
        Path security = Files.createDirectories(home.resolve(SECURITY));
        for (String store : List.of(PRIMARY, TRUST)) {
            Path source = fromHome.resolve(SECURITY).resolve(store);
            if (!Files.isRegularFile(source)) {
                throw new IOException(source + " does not exist (--stores-from names a home made by make-home)");
            }
            Files.copy(source, security.resolve(store), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Runs {@code ${java.home}/bin/keytool} with a deadline. The arguments hold only the shipped
     * default password, never a real one; the output is kept for the error message.
     */
    public static void keytool(Path workDir, List<String> arguments) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>();
        command.add(keytool.toString());
        // keytool is a JVM too: keep it small and quick on a 2-core machine.
        command.addAll(List.of("-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1", "-J-Xmx64m"));
        command.addAll(arguments);
        // Output to a file, not a pipe, so the deadline holds even if keytool stops writing.
        Path output = Files.createTempFile("standin-keytool", ".out");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(KEYTOOL_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within " + KEYTOOL_DEADLINE.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + arguments.get(0) + " failed (exit " + process.exitValue() + "): "
                        + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for keytool", e);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
