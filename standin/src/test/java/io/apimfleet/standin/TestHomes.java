package io.apimfleet.standin;

import io.apimfleet.standin.home.DefaultStores;
import io.apimfleet.standin.home.MakeHome;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Homes for the tests: made by make-home with this test JVM's class path, then edited like a recipe would. */
final class TestHomes {
    private TestHomes() {
    }

    /** A home whose carbon.xml HostName is {@code host} (the node's own loopback address). */
    static Path make(Path dir, String host, Duration startDelay) throws IOException {
        return make(MakeHome.Options.ofThisJvm(dir), host, startDelay);
    }

    static Path make(MakeHome.Options options, String host, Duration startDelay) throws IOException {
        // Surefire may run the tests from a manifest-only jar; the real class path is in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path home = MakeHome.make(options.withClasspath(classpath).withStartDelay(startDelay));
        edit(home, "repository/conf/carbon.xml", "<!--HostName>www.wso2.org</HostName-->", "<HostName>" + host + "</HostName>");
        return home;
    }

    /** Replaces text that must be there (a test that edits nothing by mistake proves nothing). */
    static void edit(Path home, String file, String from, String to) throws IOException {
        Path path = home.resolve(file);
        String text = Files.readString(path);
        assertThat(text).as(file).contains(from);
        Files.writeString(path, text.replace(from, to));
    }

    /** Points every key-manager URL of api-manager.xml at {@code host}. */
    static void keyManagerAt(Path home, String host) throws IOException {
        String shipped = "https://localhost:${mgt.transport.https.port}${carbon.context}services/";
        String file = "repository/conf/api-manager.xml";
        String url = "https://" + host + ":9443/services/";
        edit(home, file, "<!-- Server URL of the Authentication service -->\n        <ServerURL>" + shipped,
                "<!-- Server URL of the Authentication service -->\n        <ServerURL>" + url);
        edit(home, file, "<!-- Server URL of the API key manager -->\n        <ServerURL>" + shipped,
                "<!-- Server URL of the API key manager -->\n        <ServerURL>" + url);
    }

    /**
     * Gives a home its own TLS key for 9443 (CA-less, self-signed, SAN IP:host) in {@code tls.jks},
     * as the trust recipe would, and returns the store.
     */
    static Path ownTlsKey(Path home, String host, String password) throws IOException {
        Path security = home.resolve(DefaultStores.SECURITY);
        Path store = security.resolve("tls.jks");
        DefaultStores.keytool(security, List.of("-genkeypair", "-alias", host, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=" + host, "-ext", "SAN=IP:" + host, "-validity", "30", "-storetype", "JKS",
                "-keystore", store.toString(), "-storepass", password, "-keypass", password));
        edit(home, "repository/conf/tomcat/catalina-server.xml",
                "keystoreFile=\"${carbon.home}/repository/resources/security/wso2carbon.jks\"\n                   keystorePass=\"wso2carbon\"",
                "keystoreFile=\"${carbon.home}/repository/resources/security/tls.jks\"\n                   keystorePass=\"" + password + "\"");
        return store;
    }

    /** Adds the key entry's certificate of {@code keyStore} to {@code home}'s client-truststore.jks. */
    static void trust(Path home, Path keyStore, String keyStorePassword, String alias) throws Exception {
        KeyStore keys = load(keyStore, keyStorePassword);
        Certificate certificate = keys.getCertificate(alias);
        Path trustFile = home.resolve(DefaultStores.SECURITY).resolve(DefaultStores.TRUST);
        KeyStore trust = load(trustFile, DefaultStores.PASSWORD);
        trust.setCertificateEntry(alias, certificate);
        try (OutputStream out = Files.newOutputStream(trustFile)) {
            trust.store(out, DefaultStores.PASSWORD.toCharArray());
        }
    }

    static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(in, password.toCharArray());
            return store;
        }
    }

    /** The real API-M 2.2.0 fixtures, or a visible skip when they are absent. */
    static Path realConf() {
        Path dir = Path.of(System.getProperty("fleet.fixtures.dir", "../../shared/fixtures"))
                .resolve("wso2am-2.2.0/repository/conf").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            System.err.println("SKIPPED: real API-M 2.2.0 fixtures not found at " + dir + " (set -Dfleet.fixtures.dir=...)");
        }
        Assumptions.assumeTrue(Files.isDirectory(dir), "real API-M 2.2.0 fixtures not found at " + dir);
        return dir;
    }
}
