package io.apimfleet.controller.testing;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.EnrollResult;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.pki.TestStates;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** An agent's key and the certificate its controller issued, as the agent would keep them. */
public record AgentIdentity(String node, String keyPem, String certificatePem, String caPem) {

    /** Enrolls {@code node} in {@code state} the way {@code fleet-agent join} does (token, own key, CSR). */
    public static AgentIdentity enroll(ControllerState state, String node) {
        KeyPair keys = Keys.ecP256();
        String token = state.tokens().create(node, null, Instant.now()).token();
        EnrollResult result = state.enrollment().enroll(token, TestStates.csr(keys, node), Instant.now());
        return new AgentIdentity(node, Pem.write(keys.getPrivate()), result.certificatePem(), result.caCertificatePem());
    }

    public PrivateKey key() {
        return Pem.privateKey(keyPem);
    }

    public X509Certificate certificate() {
        return Pem.certificate(certificatePem);
    }

    /** The certificate, then the intermediate that issued it when a joined controller enrolled the agent. */
    public List<X509Certificate> chain() {
        return Pem.certificates(certificatePem);
    }
}
