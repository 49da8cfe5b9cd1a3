package io.apimfleet.controller.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The enrolled agents ({@code agents.json}, with the changes since its last rewrite in
 * {@code agents.json.log}, see {@link LoggedList}): per node, when it enrolled and every certificate
 * issued to it (public certificates only; agents' keys never reach the controller). Removing an
 * agent revokes all its certificates.
 */
public final class AgentRegistry {
    /**
     * One certificate issued to an agent.
     *
     * @param serial lower-case hex
     * @param how {@code enroll} or {@code renew}
     */
    public record IssuedCertificate(String serial, Instant notBefore, Instant notAfter, Instant issuedAt, String how, String pem) {
        public X509Certificate certificate() {
            return Pem.certificate(pem);
        }
    }

    /** An enrolled agent; {@code certificates} oldest first. */
    public record Agent(String node, Instant enrolledAt, List<IssuedCertificate> certificates) {
        public Agent {
            certificates = certificates == null ? List.of() : List.copyOf(certificates);
        }

        /** The certificate issued last: the one the agent presents. */
        public IssuedCertificate latest() {
            return certificates.stream().max(Comparator.comparing(IssuedCertificate::issuedAt)).orElseThrow();
        }
    }

    record AgentFile(int version, List<Agent> agents) {
        AgentFile {
            agents = agents == null ? List.of() : List.copyOf(agents);
        }
    }

    private final ControllerState state;

    AgentRegistry(ControllerState state) {
        this.state = state;
    }

    /** Every enrolled agent, by node name. */
    public List<Agent> list() {
        return read().agents().stream().sorted(Comparator.comparing(Agent::node)).toList();
    }

    public Optional<Agent> find(String node) {
        return read().agents().stream().filter(a -> a.node().equals(node)).findFirst();
    }

    /**
     * Revokes every certificate of {@code node} and drops it from the registry; its agent is
     * refused at its next TLS handshake and must join again with a new token.
     *
     * @throws IllegalArgumentException when no such agent is enrolled
     */
    public Agent remove(String node, Instant now) {
        return state.locked(() -> {
            Agent agent = find(node).orElseThrow(() ->
                    new IllegalArgumentException("no enrolled agent named '" + node + "' (fleet agents list shows them)"));
            RevocationList.add(state.file(ControllerState.REVOKED), revocations(agent, now, "removed"));
            entries().rewrite(read().agents().stream().filter(a -> !a.node().equals(node)).toList());
            state.record("agent.removed", JoinTokens.fields("node", node,
                    "revokedSerials", agent.certificates().stream().map(IssuedCertificate::serial).toList()));
            return agent;
        });
    }

    // ------------------------------------------------------------------ for Enrollment, under the state lock

    /** The agent {@code certificate} was issued to: the same serial from the same issuer. */
    Optional<Agent> findByCertificate(X509Certificate certificate) {
        String serial = certificate.getSerialNumber().toString(16);
        String issuer = certificate.getIssuerX500Principal().getName();
        return read().agents().stream()
                .filter(a -> a.certificates().stream().anyMatch(c -> c.serial().equals(serial)
                        && c.certificate().getIssuerX500Principal().getName().equals(issuer)))
                .findFirst();
    }

    /**
     * Records a certificate issued to {@code node}. On a fresh enrollment ({@code how = enroll})
     * of a node already known, its earlier certificates are revoked: a node has one identity.
     *
     * @return the serials revoked by this call
     */
    List<String> add(String node, X509Certificate certificate, String how, Instant now) {
        IssuedCertificate issued = new IssuedCertificate(certificate.getSerialNumber().toString(16),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), now, how, Pem.write(certificate));
        List<String> revoked = new ArrayList<>();
        Optional<Agent> known = entries().get(node);
        Agent changed;
        if (known.isEmpty()) {
            changed = new Agent(node, now, List.of(issued));
        } else if (how.equals("enroll")) {
            Agent agent = known.get();
            RevocationList.add(state.file(ControllerState.REVOKED), revocations(agent, now, "re-enrolled"));
            agent.certificates().forEach(c -> revoked.add(c.serial()));
            changed = new Agent(node, now, List.of(issued));
        } else {
            List<IssuedCertificate> certificates = new ArrayList<>(known.get().certificates());
            certificates.add(issued);
            changed = new Agent(node, known.get().enrolledAt(), certificates);
        }
        entries().put(changed);   // one line appended, not the whole registry rewritten
        return revoked;
    }

    static void writeEmpty(java.nio.file.Path file) {
        StateJson.write(file, new AgentFile(1, List.of()));
    }

    private static List<RevocationList.Revoked> revocations(Agent agent, Instant now, String reason) {
        return agent.certificates().stream()
                .map(c -> new RevocationList.Revoked(c.serial(), agent.node(), now, reason, c.notAfter(),
                        c.certificate().getIssuerX500Principal().getName()))
                .toList();
    }

    /** {@code agents.json} and its side log {@code agents.json.log}: an enrollment or renewal is one appended line. */
    LoggedList<Agent, AgentFile> entries() {
        return new LoggedList<>(state.file(ControllerState.AGENTS), AgentFile.class, Agent.class, AgentFile::agents,
                list -> new AgentFile(1, list), Agent::node);
    }

    private AgentFile read() {
        return new AgentFile(1, entries().read());
    }
}
