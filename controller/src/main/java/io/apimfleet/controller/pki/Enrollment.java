package io.apimfleet.controller.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Agents' identities: a join token and a CSR in, a client certificate (CN = the node, DNS SAN =
 * the node, clientAuth, 90 days) signed by the fleet CA out. Renewal needs no token: the agent
 * presents its current certificate (the caller has verified it over mutual TLS) once two thirds
 * of its life have passed. Checks, each refused with its own {@link EnrollmentRefused.Reason}:
 * the token (shape, known, unexpired, unused, unrevoked), the CSR (parses, self-signature
 * verifies, CN is the node), the key (EC P-256/P-384 or RSA of 2048 bits and more). The CA sets
 * subject and SANs itself; nothing else of the CSR is used. Every attempt is journalled with the
 * node, token id and reason, never the token or the CSR.
 */
public final class Enrollment {
    /** How long an agent certificate lives. */
    public static final Duration AGENT_VALIDITY = Duration.ofDays(90);
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_RSA_BITS = 16384;

    private final ControllerState state;

    Enrollment(ControllerState state) {
        this.state = state;
    }

    /**
     * A CSR checked on its own, before any token is looked at: parsed, self-signature verified, key
     * type and size checked. Pure computation, so it runs on any thread, outside the state's lock;
     * {@code refusal} is kept (not thrown) so a bad token is still reported before a bad CSR.
     */
    public record CheckedCsr(PublicKey key, String commonName, EnrollmentRefused refusal) {
        public static CheckedCsr of(String csrPem) {
            try {
                PKCS10CertificationRequest csr = parsed(csrPem);
                SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
                verifySignature(csr, spki);
                return new CheckedCsr(publicKey(spki), Enrollment.commonName(csr.getSubject()), null);
            } catch (EnrollmentRefused refused) {
                return new CheckedCsr(null, null, refused);
            }
        }

        /** The key, when this CSR may be certified for {@code node}; otherwise the refusal. */
        PublicKey keyFor(String node) {
            if (refusal != null) {
                throw refusal;
            }
            if (!node.equals(commonName)) {
                throw new EnrollmentRefused(EnrollmentRefused.Reason.CN_MISMATCH, "the certificate request is for CN=" + commonName
                        + " but this identity is node " + node + "; make the CSR with CN=" + node);
            }
            return key;
        }
    }

    /** One enrollment asked for: a join token and its CSR, checked beforehand. Its text never shows the token. */
    public record Request(String token, CheckedCsr csr) {
        @Override
        public String toString() {
            return "Request[tokenId=" + JoinTokens.idOf(token).orElse("?") + "]";
        }
    }

    /** What became of one request: a certificate, or the refusal (nothing issued, the token unchanged). */
    public record Outcome(EnrollResult result, EnrollmentRefused refusal) {
    }

    private record Spent(String node, String tokenId, PublicKey key) {
    }

    /**
     * Enrolls the node the token was made for.
     *
     * @throws EnrollmentRefused with the reason; nothing was issued and the token is unchanged
     */
    public EnrollResult enroll(String token, String csrPem, Instant now) {
        Outcome outcome = enrollAll(List.of(new Request(token, CheckedCsr.of(csrPem))), now).get(0);
        if (outcome.refusal() != null) {
            throw outcome.refusal();
        }
        return outcome.result();
    }

    /**
     * Enrolls a batch, in order, under one hold of the state's lock, as one enrollment each would
     * (a token used twice in the batch is refused the second time) but with one {@code fsync} per
     * file for the whole batch (group commit): every token spent and synced before any certificate
     * is signed, every serial in the ledger synced before the registry names it, then the
     * registry and the journal synced. The outcomes, in the requests' order, are durable when
     * this returns; a crash before costs the batch's tokens, never doubles one.
     */
    public List<Outcome> enrollAll(List<Request> requests, Instant now) {
        return state.locked(() -> {
            Outcome[] outcomes = new Outcome[requests.size()];
            List<Spent> spent = SecureFiles.syncedOnce(() -> spend(requests, outcomes, now));
            List<X509Certificate> certificates = SecureFiles.syncedOnce(() ->
                    spent.stream().map(s -> issue(s.node(), s.key(), now)).toList());
            SecureFiles.syncedOnce(() -> {
                for (int i = 0, next = 0; i < outcomes.length; i++) {
                    if (outcomes[i] == null) {
                        outcomes[i] = registered(spent.get(next), certificates.get(next), now);
                        next++;
                    } else {
                        EnrollmentRefused refused = outcomes[i].refusal();
                        state.record("enroll.refused", JoinTokens.fields("node", refused.node().orElse(null),
                                "tokenId", JoinTokens.idOf(requests.get(i).token()).orElse(null), "reason", refused.code()));
                    }
                }
                return null;
            });
            return List.of(outcomes);
        });
    }

    /** Checks every request's token and CSR and spends the good tokens; refusals go into {@code outcomes}. */
    private List<Spent> spend(List<Request> requests, Outcome[] outcomes, Instant now) {
        JoinTokens tokens = state.tokens();
        List<Spent> spent = new java.util.ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Request request = requests.get(i);
            try {
                JoinTokens.Entry entry = tokens.check(request.token(), now);
                PublicKey key;
                try {
                    key = request.csr().keyFor(entry.node());
                } catch (EnrollmentRefused refused) {
                    throw refused.forNode(entry.node());
                }
                if (!state.claims().claim(entry.id())) {   // another controller of the cluster spent it first
                    throw new EnrollmentRefused(EnrollmentRefused.Reason.USED, entry.node(),
                            "the join token " + entry.id() + " was already used through another controller; tokens are single-use: make a new one with fleet token create --node " + entry.node());
                }
                tokens.markUsed(entry, now);
                spent.add(new Spent(entry.node(), entry.id(), key));
            } catch (EnrollmentRefused refused) {
                outcomes[i] = new Outcome(null, refused);
            }
        }
        return spent;
    }

    private Outcome registered(Spent spent, X509Certificate certificate, Instant now) {
        List<String> revoked = state.agents().add(spent.node(), certificate, "enroll", now);
        Map<String, Object> fields = JoinTokens.fields("node", spent.node(), "tokenId", spent.tokenId(),
                "serial", certificate.getSerialNumber().toString(16), "notAfter", certificate.getNotAfter().toInstant().toString(),
                "fingerprint", Fingerprints.sha256(certificate));
        if (!revoked.isEmpty()) {
            fields.put("revokedSerials", revoked);
        }
        state.record("enroll.accepted", fields);
        return new Outcome(result(spent.node(), certificate), null);
    }

    /**
     * Renews an agent's certificate. {@code current} must be the certificate the agent proved it
     * holds the key of (its TLS client certificate): issued by the fleet CA to an enrolled agent,
     * valid at {@code now}, not revoked, and at least two thirds through its life. The new key may
     * differ from the old; the CN may not.
     *
     * @throws EnrollmentRefused with the reason; nothing was issued
     */
    public EnrollResult renew(X509Certificate current, String csrPem, Instant now) {
        return renew(List.of(current), csrPem, now);
    }

    /**
     * {@link #renew(X509Certificate, String, Instant)} with the chain the agent presented (its
     * certificate first, then the intermediate that issued it when another controller of the
     * fleet enrolled it).
     */
    public EnrollResult renew(List<X509Certificate> chain, String csrPem, Instant now) {
        X509Certificate current = chain.get(0);
        String node = commonName(X500Name.getInstance(current.getSubjectX500Principal().getEncoded()));
        String serial = current.getSerialNumber().toString(16);
        try {
            return state.locked(() -> {
                checkCurrent(chain, node, serial, now);
                PublicKey key = checkedKey(csrPem, node);
                X509Certificate certificate = issue(node, key, now);
                state.agents().add(node, certificate, "renew", now);
                state.record("renew.accepted", JoinTokens.fields("node", node, "previousSerial", serial,
                        "serial", certificate.getSerialNumber().toString(16), "notAfter", certificate.getNotAfter().toInstant().toString(),
                        "fingerprint", Fingerprints.sha256(certificate)));
                return result(node, certificate);
            });
        } catch (EnrollmentRefused refused) {
            state.record("renew.refused", JoinTokens.fields("node", node, "previousSerial", serial, "reason", refused.code()));
            throw refused;
        }
    }

    /** When a certificate is due for renewal: two thirds into its life. */
    public static Instant renewalDue(X509Certificate certificate) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Duration life = Duration.between(notBefore, certificate.getNotAfter().toInstant());
        return notBefore.plus(life.multipliedBy(2).dividedBy(3));
    }

    private void checkCurrent(List<X509Certificate> chain, String node, String serial, Instant now) {
        X509Certificate current = chain.get(0);
        if (!CertificateChains.leadsTo(state.fleetCa().root(), chain)) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CERTIFICATE_UNKNOWN, node,
                    "the certificate was not issued under this fleet's CA; join with a token instead");
        }
        if (now.isBefore(current.getNotBefore().toInstant()) || now.isAfter(current.getNotAfter().toInstant())) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CERTIFICATE_EXPIRED, node,
                    "the certificate is not valid now (valid until " + current.getNotAfter().toInstant() + "); join again with a new token");
        }
        if (state.revocations().isRevoked(current)) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CERTIFICATE_REVOKED, node,
                    "the certificate " + serial + " was revoked; this node must join again with a new token");
        }
        AgentRegistry.Agent agent = state.agents().findByCertificate(current).orElseThrow(() ->
                new EnrollmentRefused(EnrollmentRefused.Reason.CERTIFICATE_UNKNOWN, node,
                        "the certificate " + serial + " does not belong to an enrolled agent; join with a token instead"));
        if (!agent.node().equals(node)) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CERTIFICATE_UNKNOWN, node,
                    "the certificate " + serial + " was issued to another node");
        }
        Instant due = renewalDue(current);
        if (now.isBefore(due)) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.TOO_EARLY, node,
                    "the certificate is not due for renewal before " + due + " (two thirds of its life)");
        }
    }

    /**
     * Parses and checks a CSR (well-formed, signature valid, key strong enough, CN as expected);
     * its public key when it may be certified for {@code node}. Refusals say why.
     */
    public static PublicKey checkedKey(String csrPem, String node) {
        return CheckedCsr.of(csrPem).keyFor(node);
    }

    private static PKCS10CertificationRequest parsed(String csrPem) {
        try {
            return Pem.csr(csrPem);
        } catch (RuntimeException e) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CSR_UNPARSABLE,
                    "the certificate request is not a PEM PKCS#10 CSR (" + e.getMessage() + ")");
        }
    }

    private static void verifySignature(PKCS10CertificationRequest csr, SubjectPublicKeyInfo spki) {
        checkKeyType(spki, false);
        ContentVerifierProvider verifier;
        try {
            // BouncyCastle is named: the JDK's providers do not verify every EC CSR
            verifier = new JcaContentVerifierProviderBuilder().setProvider(Crypto.BC).build(spki);
        } catch (OperatorCreationException | RuntimeException e) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CSR_SIGNATURE,
                    "the certificate request's key is corrupt, so its signature cannot verify: it was corrupted or tampered with");
        }
        boolean valid;
        try {
            valid = csr.isSignatureValid(verifier);
        } catch (PKCSException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CSR_SIGNATURE,
                    "the certificate request's signature does not verify: it was corrupted or tampered with");
        }
        checkKeyType(spki, true);
    }

    /** EC on P-256 or P-384, or RSA of 2048..16384 bits; {@code sizes} false checks the type only. */
    private static void checkKeyType(SubjectPublicKeyInfo spki, boolean sizes) {
        ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            ASN1Encodable curve = spki.getAlgorithm().getParameters();
            if (!(X9ObjectIdentifiers.prime256v1.equals(curve) || SECObjectIdentifiers.secp384r1.equals(curve))) {
                throw new EnrollmentRefused(EnrollmentRefused.Reason.WEAK_KEY,
                        "the certificate request's EC key is not on P-256 or P-384 (curve " + curve + "); use P-256");
            }
            return;
        }
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            if (!sizes) {
                return;
            }
            int bits;
            try {
                bits = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
            } catch (IOException | RuntimeException e) {
                throw new EnrollmentRefused(EnrollmentRefused.Reason.CSR_UNPARSABLE, "the certificate request's RSA key is unreadable");
            }
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw new EnrollmentRefused(EnrollmentRefused.Reason.WEAK_KEY, "the certificate request's key is RSA " + bits
                        + " bits; use EC P-256/P-384 or RSA of at least " + MIN_RSA_BITS + " bits");
            }
            return;
        }
        throw new EnrollmentRefused(EnrollmentRefused.Reason.WEAK_KEY,
                "the certificate request's key type (" + algorithm + ") is not accepted; use EC P-256/P-384 or RSA of at least 2048 bits");
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo spki) {
        String type = spki.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey) ? "EC" : "RSA";
        try {
            return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(spki.getEncoded("DER")));
        } catch (GeneralSecurityException | IOException e) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.CSR_UNPARSABLE, "the certificate request's key is unreadable: " + e.getMessage());
        }
    }

    /** The single CN of {@code name}, or null when there is none or more than one. */
    static String commonName(X500Name name) {
        RDN[] rdns = name.getRDNs(BCStyle.CN);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            return null;
        }
        return IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    private X509Certificate issue(String node, PublicKey key, Instant now) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, node).build();
        GeneralNames sans = new GeneralNames(new GeneralName(GeneralName.dNSName, node));
        return state.fleetCa().issue(key, subject, sans, AGENT_VALIDITY, KeyPurpose.CLIENT_TLS, now);
    }

    private EnrollResult result(String node, X509Certificate certificate) {
        // the certificate with the intermediate that issued it (on a controller that joined), the root apart: the agent's pin
        return new EnrollResult(node, certificate.getSerialNumber().toString(16), certificate.getNotAfter().toInstant(),
                state.fleetCa().presentedChainPem(certificate), Pem.write(state.fleetCa().root()));
    }
}
