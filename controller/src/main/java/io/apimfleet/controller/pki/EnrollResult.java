package io.apimfleet.controller.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * What an agent receives after enrollment or renewal: its certificate and the fleet CA (to trust
 * the controller with). Both are public; the agent's key never left the agent.
 *
 * @param serial lower-case hex
 */
public record EnrollResult(String node, String serial, Instant notAfter, String certificatePem, String caCertificatePem) {

    public X509Certificate certificate() {
        return Pem.certificate(certificatePem);
    }
}
