package io.apimfleet.controller.pki;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * A controller joining the fleet, as the first controller sees it: a one-time controller token
 * and three CSRs in (for keys the joining controller made and keeps), three intermediate CAs out,
 * signed by this state's roots (fleet, product, controller-peer; path length 0), each with its
 * root. No private key is in the request or the answer. Refused, each with its
 * {@link EnrollmentRefused.Reason}: the token (as an agent's token is checked, but only a
 * controller token counts), a CSR (parses, self-signature, key type: EC for the fleet and
 * controller-peer intermediates, RSA of 2048 bits and more for the product one, which API-M on
 * Java 8 reads). Only a state that holds the roots' keys admits: a joined controller's
 * intermediates cannot sign intermediates. Every attempt is journalled by token id, never the
 * token or a CSR.
 */
public final class ControllerAdmission {
    /** What a joining controller sends: the token and the CSRs of its three intermediates' keys. */
    public record Request(String token, String advertise, String fleetCsr, String productCsr, String peerCsr) {
        /** Never the token. */
        @Override
        public String toString() {
            return "ControllerAdmission.Request[tokenId=" + JoinTokens.idOf(token).orElse("?") + ", advertise=" + advertise + "]";
        }
    }

    /**
     * What it gets: the fleet id and each intermediate's chain (the intermediate, then its root), PEM.
     *
     * @param secretsEndpoint where it fetches the cluster secrets, {@code HOST:PORT} of this
     *                        controller's controller-peer listener, presenting a certificate of
     *                        its new controller-peer intermediate
     */
    public record Grant(String fleetId, String fleetChain, String productChain, String peerChain, String secretsEndpoint) {
    }

    private final ControllerState state;

    ControllerAdmission(ControllerState state) {
        this.state = state;
    }

    /**
     * Admits a controller: spends the token, then signs its intermediates.
     *
     * @param secretsEndpoint this controller's controller-peer listener, named in the grant
     * @throws EnrollmentRefused with the reason; nothing was issued and the token is unchanged
     */
    public Grant admit(Request request, String secretsEndpoint, Instant now) {
        String tokenId = JoinTokens.idOf(request.token()).orElse(null);
        try {
            if (state.fleetCa().intermediate()) {
                throw new IllegalStateException("this controller joined the fleet itself and holds intermediates only; "
                        + "give the join the --controller that holds the roots (the first controller)");
            }
            PublicKey fleetKey = key(request.fleetCsr(), "fleet", false);
            PublicKey productKey = key(request.productCsr(), "product", true);
            PublicKey peerKey = key(request.peerCsr(), "controller-peer", false);
            String advertise;
            try {
                advertise = ControllerState.checkAdvertise(request.advertise());
            } catch (IllegalArgumentException e) {
                throw new EnrollmentRefused(EnrollmentRefused.Reason.MALFORMED, e.getMessage());
            }
            return state.locked(() -> {
                JoinTokens tokens = state.tokens();
                JoinTokens.Entry entry = tokens.check(request.token(), true, now);
                tokens.markUsed(entry, now);
                String controllerId = Crypto.hex(randomBytes());
                X509Certificate fleet = state.fleetCa().issueIntermediate(fleetKey, name("fleet", controllerId), now);
                X509Certificate product = state.productCa().issueIntermediate(productKey, name("product", controllerId), now);
                X509Certificate peer = state.peerCa().issueIntermediate(peerKey, name("controller-peer", controllerId), now);
                state.record("controller.admitted", JoinTokens.fields("tokenId", entry.id(), "advertise", advertise, "controllerId", controllerId,
                        "fleetIntermediateSha256", Fingerprints.sha256(fleet),
                        "productIntermediateSha256", Fingerprints.sha256(product),
                        "peerIntermediateSha256", Fingerprints.sha256(peer)));
                return new Grant(state.fleetId(), chain(fleet, state.fleetCa()), chain(product, state.productCa()),
                        chain(peer, state.peerCa()), secretsEndpoint);
            });
        } catch (EnrollmentRefused refused) {
            state.record("controller.refused", JoinTokens.fields("tokenId", tokenId, "reason", refused.code()));
            throw refused;
        }
    }

    private static String chain(X509Certificate intermediate, CertificateAuthority root) {
        return Pem.write(intermediate) + Pem.write(root.root());
    }

    /**
     * {@code CN=apim-fleet <kind> intermediate <fleet id>-<controller id>}: unique per joined
     * controller (a random id, journalled with its advertised address), so each intermediate is an
     * issuer of its own wherever certificates are named by issuer and serial (revocation).
     */
    private X500Name name(String kind, String controllerId) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "apim-fleet")
                .addRDN(BCStyle.CN, "apim-fleet " + kind + " intermediate " + state.fleetId() + "-" + controllerId)
                .build();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[4];
        Crypto.RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The CSR's key, checked as agents' CSRs are (the subject is this controller's to set), then its type. */
    private static PublicKey key(String csrPem, String which, boolean rsa) {
        Enrollment.CheckedCsr csr = Enrollment.CheckedCsr.of(csrPem == null ? "" : csrPem);
        if (csr.refusal() != null) {
            throw new EnrollmentRefused(csr.refusal().reason(), "the " + which + " intermediate's " + csr.refusal().getMessage().replaceFirst("^the ", ""));
        }
        if (rsa ? !(csr.key() instanceof RSAPublicKey) : !(csr.key() instanceof ECPublicKey)) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.WEAK_KEY, "the " + which + " intermediate's key must be "
                    + (rsa ? "RSA (API-M on Java 8 reads the product chain)" : "EC P-256 or P-384"));
        }
        return csr.key();
    }
}
