package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CAs put in the certificates they issue. */
class CertificateAuthorityTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path tmp;

    ControllerState state;

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(tmp);
    }

    @Test
    void aServerAndClientCertificateHasBothEkusAndIsNoCa() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate cert = state.productCa().issue(Keys.rsa(2048).getPublic(), new X500Name("CN=km1.apim.example"),
                new GeneralNames(new GeneralName(GeneralName.dNSName, "km1.apim.example")), Duration.ofDays(365),
                KeyPurpose.SERVER_AND_CLIENT_TLS, now);

        cert.verify(state.productCa().certificate().getPublicKey());
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
        assertThat(cert.getKeyUsage()).startsWith(true, false, true, false); // digitalSignature, keyEncipherment
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(5)));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(365)));
        assertThat(CertificateRow.subjectAltNames(cert)).containsExactly("DNS:km1.apim.example");
    }

    @Test
    void aClientCertificateHasOnlyClientAuthAndDigitalSignature() throws Exception {
        X509Certificate cert = state.fleetCa().issue(Keys.ecP256().getPublic(), new X500Name("CN=km1"), null,
                Duration.ofDays(90), KeyPurpose.CLIENT_TLS);

        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(cert.getKeyUsage()).startsWith(true, false, false, false);
        assertThat(cert.getSubjectAlternativeNames() == null).isTrue();
    }

    @Test
    void aSigningCertificateForAnRsaKeyMayEncipherKeysAndData() throws Exception {
        X509Certificate cert = state.productCa().issue(Keys.rsa(2048).getPublic(), new X500Name("CN=primary"), null,
                Duration.ofDays(365), KeyPurpose.SIGNING);

        assertThat(cert.getKeyUsage()).startsWith(true, false, true, true);
        assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    }

    @Test
    void theAuthorityKeyIdIsTheCasSubjectKeyId() throws Exception {
        X509Certificate cert = state.fleetCa().issue(Keys.ecP256().getPublic(), new X500Name("CN=km1"), null,
                Duration.ofDays(90), KeyPurpose.CLIENT_TLS);

        var issued = new JcaX509CertificateHolder(cert).getExtensions();
        var ca = new JcaX509CertificateHolder(state.fleetCa().certificate()).getExtensions();
        assertThat(AuthorityKeyIdentifier.fromExtensions(issued).getKeyIdentifier())
                .isEqualTo(SubjectKeyIdentifier.fromExtensions(ca).getKeyIdentifier());
        assertThat(issued.getExtension(Extension.subjectKeyIdentifier)).isNotNull();
    }

    @Test
    void serialsAreRandomPositiveDistinctAndRemembered() throws Exception {
        Set<BigInteger> serials = new HashSet<>();
        KeyPair keys = Keys.ecP256();
        for (int i = 0; i < 5; i++) {
            serials.add(state.fleetCa().issue(keys.getPublic(), new X500Name("CN=n" + i), null, Duration.ofDays(1), KeyPurpose.CLIENT_TLS)
                    .getSerialNumber());
        }

        assertThat(serials).hasSize(5).allSatisfy(s -> assertThat(s.signum()).isPositive())
                .anySatisfy(s -> assertThat(s.bitLength()).isGreaterThan(100));
        assertThat(IssuedLedger.entries(state.dir().resolve("ca/issued.json")))
                .extracting(ControllerState.IssuedEntry::serial)
                .containsAll(serials.stream().map(s -> s.toString(16)).toList());
    }

    @Test
    void noCertificateOutlivesItsCa() {
        X509Certificate cert = state.fleetCa().issue(Keys.ecP256().getPublic(), new X500Name("CN=km1"), null,
                Duration.ofDays(20 * 365), KeyPurpose.CLIENT_TLS);

        assertThat(cert.getNotAfter()).isEqualTo(state.fleetCa().certificate().getNotAfter());
    }

    @Test
    void theSpkiPinIsTheSha256OfTheCasPublicKeyInfo() throws Exception {
        X509Certificate ca = state.fleetCa().certificate();
        String independent = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded()));

        assertThat(state.fleetCa().spkiSha256()).isEqualTo(independent).hasSize(64);
    }

    @Test
    void theFingerprintIsTheCertificatesSha256AsKeytoolPrintsIt() throws Exception {
        X509Certificate ca = state.productCa().certificate();
        String independent = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));

        assertThat(state.productCa().fingerprintSha256()).isEqualTo(independent).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void theCasCarryTheFleetIdInTheirNames() {
        assertThat(List.of(state.fleetCa().certificate(), state.productCa().certificate()))
                .allSatisfy(c -> assertThat(c.getSubjectX500Principal().getName()).contains(state.fleetId()).contains("O=apim-fleet"));
    }
}
