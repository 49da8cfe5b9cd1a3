package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
    @TempDir
    Path tmp;

    ControllerState state;

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(tmp);
    }

    @Test
    void aCertificateRoundTrips() {
        X509Certificate ca = state.fleetCa().certificate();

        String pem = Pem.write(ca);

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Pem.certificate(pem)).isEqualTo(ca);
    }

    @Test
    void aPrivateKeyIsWrittenAsPkcs8AndRoundTrips() {
        KeyPair keys = Keys.ecP256();

        String pem = Pem.write(keys.getPrivate());

        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Pem.privateKey(pem)).isEqualTo(keys.getPrivate());
    }

    @Test
    void aCsrRoundTrips() {
        String pem = TestStates.csr(Keys.ecP256(), "km1");

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
        assertThat(Pem.csr(pem).getSubject().toString()).isEqualTo("CN=km1");
    }

    @Test
    void severalCertificatesAreReadInOrder() {
        List<X509Certificate> both = List.of(state.fleetCa().certificate(), state.productCa().certificate());

        assertThat(Pem.certificates(Pem.write(both))).containsExactlyElementsOf(both);
    }

    @Test
    void aPrivateKeyFileIs0600AndACertificateFile0644() throws Exception {
        Pem.writeFile(tmp.resolve("k.pem"), Keys.ecP256().getPrivate());
        Pem.writeFile(tmp.resolve("c.pem"), state.fleetCa().certificate());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("k.pem")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("c.pem")))).isEqualTo("rw-r--r--");
        assertThat(Pem.readCertificate(tmp.resolve("c.pem"))).isEqualTo(state.fleetCa().certificate());
    }

    @Test
    void textThatIsNotPemIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> Pem.certificate("hello")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PEM CERTIFICATE block");
        assertThatThrownBy(() -> Pem.csr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PKCS#10 request");
        assertThatThrownBy(() -> Pem.privateKey(Pem.write(state.fleetCa().certificate())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PRIVATE KEY");
    }
}
