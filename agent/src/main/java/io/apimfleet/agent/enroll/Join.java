package io.apimfleet.agent.enroll;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.keystore.PemMaterial;
import io.apimfleet.bundle.keystore.PresentedChain;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.EnrollRequest;
import io.apimfleet.protocol.link.EnrollResponse;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Joins this host to a fleet, once: finds the pinned fleet CA among the certificates the controller
 * presents (sending nothing yet), then, trusting only that CA with the host name checked, sends the
 * join token and a CSR for a key made here, and stores the certificate it gets back. The key never
 * leaves the host; the token is never logged or stored.
 */
public final class Join {
    /** Exit status of a failed join the controller refused (also picocli's for bad usage). */
    public static final int REFUSED = 2;
    /** Exit status of a join stopped because the controller's CA is not the pinned one. */
    public static final int UNTRUSTED = 3;
    /** Exit status of any other failure (unreachable, unexpected answer, local state). */
    public static final int FAILED = 1;

    private static final String NODE_NAME = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** What to join with. {@code home} may be null (the agent then manages no home until run with --home). */
    public record Request(URI controller, String token, CaPin pin, AgentState state, String node, Path home, boolean force) {
    }

    /** A join that worked. */
    public record Joined(String node, Instant notAfter, Instant renewalDue, List<String> bridgeEndpoints) {
    }

    /** A join that did not happen; {@link #exitCode()} tells the kind, the message what to do. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Failure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private Join() {
    }

    public static Joined join(Request request) {
        if (request.node() == null || !request.node().matches(NODE_NAME)) {
            throw new Failure(FAILED, "--node must be the node's name as the token was made for it: a lower-case DNS label");
        }
        if (request.token() == null || request.token().isBlank()) {
            throw new Failure(FAILED, "--token is empty");
        }
        AgentState state = request.state();
        if (state.hasIdentity() && !request.force()) {
            throw new Failure(FAILED, "this host already has a fleet identity in " + state.root() + " (" + describeExisting(state)
                    + "); nothing was changed. To join again with a new key and certificate, add --force");
        }
        Endpoint api = Endpoint.parse(request.controller().getAuthority(), 7443);
        X509Certificate ca = pinnedCa(api, request.pin());

        state.prepareDirectories();
        HostKeys keys = new HostKeys(state.hostSecrets());
        String csr = keys.newPendingIdentityRequest(request.node());
        List<X509Certificate> chain;
        List<String> endpoints;
        try {
            EnrollResponse response = enroll(request, api, ca, csr);
            chain = checkedChain(response.certificate(), response.caCertificate(), response.node(),
                    request.node(), ca, HostKeys.requestedKey(csr));
            endpoints = checkedEndpoints(response);
        } catch (RuntimeException e) {
            state.discardPendingKey();   // nothing stored: the current identity, if any, stays as it was
            throw e;
        }
        // Certificate first, then the key: a crash in between leaves the pending key, which loading picks up.
        state.write(state.caFile(), pem(ca));
        state.write(state.certificateFile(), pem(chain));
        state.writeLink(new ControllerLink(request.controller().toString(), endpoints, request.node(),
                request.home() == null ? null : request.home().toAbsolutePath().normalize().toString()));
        state.promotePendingKey();
        keys.ensureTlsKey();   // made now, so the first rollout does not wait for it
        Identity identity = state.loadIdentity();
        return new Joined(identity.node(), identity.notAfter(), identity.renewalDue(), endpoints);
    }

    private static String describeExisting(AgentState state) {
        try {
            return "node " + state.readLink().node();
        } catch (RuntimeException unreadable) {
            return "unreadable";
        }
    }

    /**
     * The controller's fleet CA found by its pin among the certificates the API presents (sending
     * nothing), as the first step of a join does; a {@link Failure} when it is not there.
     */
    public static X509Certificate pinnedCa(URI controller, CaPin pin) {
        return pinnedCa(Endpoint.parse(controller.getAuthority(), 7443), pin);
    }

    /** An HTTPS client for {@link #joinInMemory} trusting only {@code ca}, host name checked; share it between joins. */
    public static java.net.http.HttpClient enrollClient(X509Certificate ca) {
        return ControllerHttps.client(Identity.trusting(ca));
    }

    /**
     * A join without a state directory, for many simulated agents in one process (the benchmarks):
     * an EC P-256 key made in memory, its CSR and the token sent to {@code POST /v1/enroll} over
     * {@code http} (which must trust only {@code ca}, see {@link Identity#trusting}), and the
     * certificate checked as {@link #join} checks it (pinned CA, CN, this key). Nothing is stored;
     * the key lives only in the returned identity. Blocking.
     *
     * @throws Failure as {@link #join} would
     */
    public static Identity joinInMemory(java.net.http.HttpClient http, URI controller, String token, X509Certificate ca, String node) {
        if (node == null || !node.matches(NODE_NAME)) {
            throw new Failure(FAILED, "--node must be the node's name as the token was made for it: a lower-case DNS label");
        }
        java.security.KeyPair keys = HostKeys.newIdentityKeys();
        String csr = HostKeys.identityRequest(node, keys);
        Endpoint api = Endpoint.parse(controller.getAuthority(), 7443);
        ControllerHttps.Answer answer;
        try {
            answer = ControllerHttps.postJson(http, controller.resolve("/v1/enroll"), new EnrollRequest(token, csr));
        } catch (IOException e) {
            throw new Failure(FAILED, "cannot enroll with the controller at " + api + ": " + describe(e));
        }
        EnrollResponse response = enrollResponse(answer);
        List<X509Certificate> chain = checkedChain(response.certificate(), response.caCertificate(), response.node(),
                node, ca, keys.getPublic().getEncoded());
        checkedEndpoints(response);
        return new Identity(node, keys.getPrivate(), chain.get(0), ca, chain.subList(1, chain.size()));
    }

    /** Step 1: the controller's chain, over a handshake that sends nothing; the CA with the pin, or stop. */
    private static X509Certificate pinnedCa(Endpoint api, CaPin pin) {
        List<X509Certificate> chain;
        try {
            chain = presentedChain(api);
        } catch (IOException e) {
            throw new Failure(FAILED, "cannot reach the controller at " + api + ": " + describe(e) + "; nothing was sent");
        }
        return pin.findIn(chain).orElseThrow(() -> new Failure(UNTRUSTED,
                "the controller's CA does not match --ca-hash; nothing was sent (" + api + " presented "
                        + (chain.isEmpty() ? "no certificate" : chain.stream()
                        .map(c -> c.getSubjectX500Principal().getName() + (c.getBasicConstraints() >= 0 ? " CA " + CaPin.of(c) : ""))
                        .collect(Collectors.joining("; ")))
                        + "; expected a CA with " + pin + ")"));
    }

    /** The certificates a TLS server presents, captured by a trust manager that trusts nothing else. */
    static List<X509Certificate> presentedChain(Endpoint endpoint) throws IOException {
        return PresentedChain.of(endpoint.host(), endpoint.port(), HANDSHAKE_TIMEOUT);
    }

    /** Step 3: token and CSR to the controller, trusting only the pinned CA, host name checked. */
    private static EnrollResponse enroll(Request request, Endpoint api, X509Certificate ca, String csr) {
        ControllerHttps.Answer answer;
        try {
            answer = ControllerHttps.postJson(request.controller().resolve("/v1/enroll"), Identity.trusting(ca),
                    new EnrollRequest(request.token(), csr));
        } catch (IOException e) {
            throw new Failure(FAILED, "cannot enroll with the controller at " + api + ": " + describe(e));
        }
        return enrollResponse(answer);
    }

    private static EnrollResponse enrollResponse(ControllerHttps.Answer answer) {
        if (answer.status() == 403 || answer.status() >= 400 && answer.status() < 500 && answer.code().isPresent()) {
            throw new Failure(REFUSED, "join refused: " + answer.refusal());
        }
        if (answer.status() != 200) {
            throw new Failure(FAILED, "the controller answered the enrollment with " + answer.refusal());
        }
        try {
            return Json.mapper().readerFor(EnrollResponse.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(answer.body());
        } catch (IOException | RuntimeException e) {
            throw new Failure(FAILED, "the controller's enrollment answer is not an enrollment response: " + e.getMessage());
        }
    }

    /**
     * The certificate (with the intermediate that issued it, when a controller that joined the
     * fleet enrolled this node) is for this node, for the key just made, and leads to the pinned
     * CA; the chain to store and present, leaf first.
     */
    static List<X509Certificate> checkedChain(String certificatePem, String caPem, String answeredNode, String node,
                                              X509Certificate ca, byte[] requestedKey) {
        List<X509Certificate> chain;
        try {
            chain = PemMaterial.certificates(certificatePem == null ? "" : certificatePem, "certificate");
        } catch (BundleException e) {
            chain = List.of();
        }
        if (chain.isEmpty()) {
            throw new Failure(FAILED, "the controller's answer holds no certificate");
        }
        X509Certificate certificate = chain.get(0);
        if (caPem != null) {
            List<X509Certificate> cas;
            try {
                cas = PemMaterial.certificates(caPem, "CA certificate");
            } catch (BundleException e) {
                cas = List.of();
            }
            if (cas.isEmpty() || !CaPin.of(ca).matches(cas.get(0))) {
                throw new Failure(FAILED, "the controller answered with another CA than the pinned one; nothing was stored");
            }
        }
        if (!leadsTo(chain, ca)) {
            throw new Failure(FAILED, "the certificate the controller issued does not lead to the pinned fleet CA; nothing was stored");
        }
        String cn = AgentState.commonName(certificate);
        if (!cn.equals(node) || answeredNode != null && !answeredNode.equals(node)) {
            throw new Failure(FAILED, "the controller issued a certificate for " + cn + ", not " + node + "; nothing was stored");
        }
        // The key of the CSR sent, which was made here: compared, not proven again by signing with it.
        if (!java.util.Arrays.equals(certificate.getPublicKey().getEncoded(), requestedKey)) {
            throw new Failure(FAILED, "the certificate the controller issued is not for the key made on this host; nothing was stored");
        }
        return List.copyOf(chain);
    }

    /** Each certificate of {@code chain} signed by the next, the last by {@code ca}; every issuer in between a CA. */
    private static boolean leadsTo(List<X509Certificate> chain, X509Certificate ca) {
        try {
            for (int i = 0; i < chain.size(); i++) {
                X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1) : ca;
                if (i + 1 < chain.size() && issuer.getBasicConstraints() < 0) {
                    return false;
                }
                chain.get(i).verify(issuer.getPublicKey());
            }
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> checkedEndpoints(EnrollResponse response) {
        if (response.bridgeEndpoints().isEmpty()) {
            throw new Failure(FAILED, "the controller's answer names no bridge endpoint to connect to");
        }
        for (String e : response.bridgeEndpoints()) {
            try {
                Endpoint.parse(e, 7444);
            } catch (IllegalArgumentException bad) {
                throw new Failure(FAILED, "the controller's answer names an invalid bridge endpoint: " + bad.getMessage());
            }
        }
        return response.bridgeEndpoints();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Certificates as PEM, one block each, in order. */
    public static String pem(List<X509Certificate> certificates) {
        return certificates.stream().map(Join::pem).collect(Collectors.joining());
    }

    /** A certificate as PEM. */
    public static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
