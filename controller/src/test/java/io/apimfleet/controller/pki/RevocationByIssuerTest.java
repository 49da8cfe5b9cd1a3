package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serials are unique per issuer only (a joined controller's intermediate draws its own), so a
 * revocation names the issuer with the serial: the same serial from another issuer stays valid.
 */
class RevocationByIssuerTest {
    @TempDir
    Path tmp;

    private static RevocationList.Revoked revoked(X509Certificate certificate, String issuer) {
        return new RevocationList.Revoked(certificate.getSerialNumber().toString(16), "km1", Instant.now(), "removed",
                certificate.getNotAfter().toInstant(), issuer);
    }

    @Test
    void aRevocationOfAnotherIssuersSerialDoesNotHitThisCertificate() {
        ControllerState state = TestStates.fresh(tmp);
        X509Certificate km1 = AgentCertificates.issue(state, "km1");

        RevocationList.add(state.file(ControllerState.REVOKED), List.of(revoked(km1, "O=apim-fleet,CN=apim-fleet fleet intermediate 00000000-11111111")));

        assertThat(state.revocations().isRevoked(km1)).isFalse();
    }

    @Test
    void aRevocationOfThisIssuersSerialHitsThisCertificate() {
        ControllerState state = TestStates.fresh(tmp);
        X509Certificate km1 = AgentCertificates.issue(state, "km1");

        RevocationList.add(state.file(ControllerState.REVOKED), List.of(revoked(km1, km1.getIssuerX500Principal().getName())));

        assertThat(state.revocations().isRevoked(km1)).isTrue();
    }

    @Test
    void anEntryWithoutIssuerFromBeforeIntermediatesNamesTheFleetRootsCertificate() {
        ControllerState state = TestStates.fresh(tmp);
        X509Certificate km1 = AgentCertificates.issue(state, "km1");

        RevocationList.add(state.file(ControllerState.REVOKED), List.of(revoked(km1, null)));

        assertThat(state.revocations().isRevoked(km1)).isTrue();
    }

    /** An agent certificate as enrollment issues it. */
    private static final class AgentCertificates {
        static X509Certificate issue(ControllerState state, String node) {
            String token = state.tokens().create(node, null, Instant.now()).token();
            return state.enrollment().enroll(token, TestStates.csr(Keys.ecP256(), node), Instant.now()).certificate();
        }
    }
}
