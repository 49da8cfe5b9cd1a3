package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent renews with its current certificate, no token, once two thirds of its life have passed. */
class RenewalTest {
    @TempDir
    Path tmp;

    ControllerState state;
    final Instant enrolledAt = Instant.now();
    X509Certificate current;

    @BeforeEach
    void setUp() {
        state = TestStates.fresh(tmp);
        current = state.enrollment().enroll(state.tokens().create("km1", null, enrolledAt).token(),
                TestStates.csr(Keys.ecP256(), "km1"), enrolledAt).certificate();
    }

    @Test
    void renewalBeforeTwoThirdsOfTheLifeIsTooEarly() {
        EnrollmentRefused refused = refusal(current, TestStates.csr(Keys.ecP256(), "km1"), enrolledAt.plus(Duration.ofDays(59)));

        assertThat(refused.code()).isEqualTo("too-early");
        assertThat(refused.getMessage()).contains("not due for renewal before");
        assertThat(state.agents().find("km1").orElseThrow().certificates()).hasSize(1);
    }

    @Test
    void renewalAfterTwoThirdsGivesANewCertificateForTheSameNodeAndANewKey() throws Exception {
        KeyPair fresh = Keys.ecP256();
        Instant later = enrolledAt.plus(Duration.ofDays(61));

        EnrollResult renewed = state.enrollment().renew(current, TestStates.csr(fresh, "km1"), later);

        X509Certificate cert = renewed.certificate();
        cert.verify(state.fleetCa().certificate().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=km1");
        assertThat(cert.getPublicKey()).isEqualTo(fresh.getPublic());
        assertThat(cert.getSerialNumber()).isNotEqualTo(current.getSerialNumber());
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(later.plus(Duration.ofDays(90)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(state.agents().find("km1").orElseThrow().certificates()).hasSize(2);
        assertThat(state.journal().get(state.journal().size() - 1)).containsEntry("type", "renew.accepted");
    }

    @Test
    void aRevokedCertificateCannotRenew() {
        state.agents().remove("km1", enrolledAt);

        EnrollmentRefused refused = refusal(current, TestStates.csr(Keys.ecP256(), "km1"), enrolledAt.plus(Duration.ofDays(61)));

        assertThat(refused.code()).isEqualTo("certificate-revoked");
    }

    @Test
    void anExpiredCertificateCannotRenew() {
        EnrollmentRefused refused = refusal(current, TestStates.csr(Keys.ecP256(), "km1"), enrolledAt.plus(Duration.ofDays(91)));

        assertThat(refused.code()).isEqualTo("certificate-expired");
    }

    @Test
    void aCertificateFromAnotherCaCannotRenew() {
        X509Certificate foreign = state.productCa().issue(Keys.ecP256().getPublic(), new X500Name("CN=km1"), null,
                Duration.ofDays(90), KeyPurpose.CLIENT_TLS, enrolledAt);

        EnrollmentRefused refused = refusal(foreign, TestStates.csr(Keys.ecP256(), "km1"), enrolledAt.plus(Duration.ofDays(61)));

        assertThat(refused.code()).isEqualTo("certificate-unknown");
    }

    @Test
    void theAdminCertificateIsNoAgentAndCannotRenew() {
        X509Certificate admin = state.adminCertificate();

        EnrollmentRefused refused = refusal(admin, TestStates.csr(Keys.ecP256(), "fleet-admin"), Instant.now().plus(Duration.ofDays(600)));

        assertThat(refused.code()).isEqualTo("certificate-unknown");
    }

    @Test
    void theRenewalCsrMustKeepTheNodesName() {
        EnrollmentRefused refused = refusal(current, TestStates.csr(Keys.ecP256(), "gw1"), enrolledAt.plus(Duration.ofDays(61)));

        assertThat(refused.code()).isEqualTo("cn-mismatch");
    }

    private EnrollmentRefused refusal(X509Certificate presented, String csr, Instant at) {
        EnrollmentRefused refused = catchThrowableOfType(EnrollmentRefused.class, () -> state.enrollment().renew(presented, csr, at));
        assertThat(refused).as("refused").isNotNull();
        assertThat(state.journal().get(state.journal().size() - 1)).containsEntry("type", "renew.refused");
        return refused;
    }
}
