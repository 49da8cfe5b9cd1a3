package io.apimfleet.controller.join;

import io.apimfleet.bundle.keystore.PresentedChain;
import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.client.ControllerUnreachable;
import io.apimfleet.controller.cluster.ClusterOptions;
import io.apimfleet.controller.cluster.PeerIdentity;
import io.apimfleet.controller.pki.CertificateAuthority;
import io.apimfleet.controller.pki.CertificateChains;
import io.apimfleet.controller.pki.ClusterSecrets;
import io.apimfleet.controller.pki.ControllerAdmission;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.Fingerprints;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The joining side of {@code fleet controller join}, blocking (a CLI thread):
 * <ol>
 *   <li>reads the certificates the first controller's API presents, sending nothing, and finds
 *       the fleet root with the pin ({@code --ca-hash}); stops when it is not there;</li>
 *   <li>makes three key pairs here (fleet and controller-peer EC P-256, product RSA 3072) and
 *       sends only their CSRs with the one-time controller token, trusting that root alone with
 *       the host name checked ({@code POST /v1/controllers/join});</li>
 *   <li>checks the three intermediates it gets: each certifies the key made here, is a CA, and
 *       is signed by its root; the fleet root is the pinned one;</li>
 *   <li>issues itself a controller-peer certificate for {@code --cluster-bind} from its new
 *       intermediate and fetches the cluster secrets from the first controller's controller-peer
 *       listener, presenting it (mutual TLS, the controller-peer root alone trusted both ways);</li>
 *   <li>writes the new state directory at once ({@link ControllerState#createJoined}).</li>
 * </ol>
 * Nothing is written before the last step: a failure leaves {@code --state} as it was (a spent
 * token is spent: make another).
 */
public final class ControllerJoin {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What to join with.
     *
     * @param controller  the first controller's API, {@code https://HOST:PORT}
     * @param caPin       the fleet root's pin, {@code sha256:<hex>}
     * @param advertise   where agents reach this controller's API, {@code HOST:PORT}
     * @param clusterBind this controller's address on the controller network
     */
    public record Request(URI controller, String token, String caPin, Path state, String advertise, String clusterBind) {
        /** Never the token. */
        @Override
        public String toString() {
            return "ControllerJoin.Request[" + controller + ", state " + state + ", advertise " + advertise + "]";
        }
    }

    private ControllerJoin() {
    }

    /**
     * Joins; returns the new state.
     *
     * @throws JoinFailed saying why; nothing was written
     */
    public static ControllerState join(Request request, Instant now) {
        String advertise = checked(() -> ControllerState.checkAdvertise(request.advertise()));
        checked(() -> {
            ClusterOptions.checkBind(request.clusterBind());
            return null;
        });
        String pin = pin(request.caPin());
        refuseUnlessEmpty(request.state());

        X509Certificate fleetRoot = pinnedRoot(request.controller(), pin);
        KeyPair fleetKeys = Keys.ecP256();
        KeyPair productKeys = Keys.rsa(3072);
        KeyPair peerKeys = Keys.ecP256();
        X500Name subject = new X500Name("O=apim-fleet, CN=apim-fleet joining controller " + advertise);
        ControllerAdmission.Request admission = new ControllerAdmission.Request(request.token(), advertise,
                Keys.csr(fleetKeys, subject), Keys.csr(productKeys, subject), Keys.csr(peerKeys, subject));

        ControllerClient api = new ControllerClient(request.controller(), ControllerClient.tls(null, null, fleetRoot));
        ControllerAdmission.Grant grant = calling(request.controller().toString(), () -> api.joinController(admission));

        ControllerState.IntermediateCa fleet = intermediate("fleet", grant.fleetChain(), fleetKeys);
        if (!fleet.chain().get(1).equals(fleetRoot)) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "the fleet intermediate the controller issued does not chain to the pinned fleet root; nothing was written");
        }
        ControllerState.IntermediateCa product = intermediate("product", grant.productChain(), productKeys);
        ControllerState.IntermediateCa peer = intermediate("controller-peer", grant.peerChain(), peerKeys);
        if (grant.secretsEndpoint() == null) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "the controller named no controller-peer listener to fetch the cluster secrets from");
        }

        CertificateAuthority peerCa = peer.authority("controller-peer");
        KeyPair leafKeys = Keys.ecP256();
        X509Certificate leaf = PeerIdentity.issueCertificate(peerCa, grant.fleetId(), request.clusterBind(), leafKeys, now);
        ControllerClient peerChannel = new ControllerClient(URI.create("https://" + grant.secretsEndpoint()),
                ControllerClient.tls(leafKeys.getPrivate(), List.of(leaf, peer.chain().get(0)), peer.chain().get(1)));
        ClusterSecrets secrets = calling("the controller-peer listener " + grant.secretsEndpoint(), peerChannel::clusterSecrets);

        try {
            return ControllerState.createJoined(request.state(), new ControllerState.Joined(grant.fleetId(), advertise, fleet, product, peer,
                    secrets.masterKey(), secrets.sealedFiles(), List.of(leaf)), now);
        } finally {
            java.util.Arrays.fill(secrets.masterKey(), (byte) 0);
        }
    }

    /** Step 1: the fleet root among the certificates the API presents, by its pin; nothing is sent. */
    private static X509Certificate pinnedRoot(URI controller, String pin) {
        if (controller.getHost() == null || !"https".equals(controller.getScheme())) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "--controller must be https://HOST:PORT, not " + controller);
        }
        int port = controller.getPort() < 0 ? ControllerState.DEFAULT_PORT : controller.getPort();
        List<X509Certificate> chain;
        try {
            chain = PresentedChain.of(controller.getHost(), port, HANDSHAKE_TIMEOUT);
        } catch (IOException e) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "cannot reach the controller at " + controller + ": " + e.getMessage() + "; nothing was sent");
        }
        return chain.stream()
                .filter(c -> c.getBasicConstraints() >= 0 && c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                .filter(c -> Fingerprints.spkiSha256(c).equals(pin))
                .findFirst()
                .orElseThrow(() -> new JoinFailed(JoinFailed.Kind.UNTRUSTED, "the controller's fleet CA does not match --ca-hash; nothing was sent ("
                        + controller + " presented " + chain.stream().map(c -> c.getSubjectX500Principal().getName()).collect(Collectors.joining("; "))
                        + "; expected a root with sha256:" + pin + ")"));
    }

    /** An intermediate as granted: the intermediate, then its root; for the key made here; a CA signed by that root. */
    private static ControllerState.IntermediateCa intermediate(String kind, String chainPem, KeyPair keys) {
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(chainPem == null ? "" : chainPem);
        } catch (RuntimeException e) {
            chain = List.of();
        }
        if (chain.size() != 2) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "the controller's answer holds no " + kind + " intermediate and root; nothing was written");
        }
        X509Certificate intermediate = chain.get(0);
        X509Certificate root = chain.get(1);
        if (!intermediate.getPublicKey().equals(keys.getPublic())) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "the " + kind + " intermediate the controller issued is not for the key made here; nothing was written");
        }
        if (intermediate.getBasicConstraints() < 0 || !CertificateChains.leadsTo(root, List.of(intermediate))) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "the " + kind + " intermediate the controller issued is not a CA signed by its root; nothing was written");
        }
        return new ControllerState.IntermediateCa(chain, keys.getPrivate());
    }

    private static String pin(String caPin) {
        String text = caPin == null ? "" : caPin.strip().toLowerCase(Locale.ROOT);
        if (!text.startsWith("sha256:") || !text.substring(7).matches("[0-9a-f]{64}")) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "--ca-hash must be sha256:<64 hex digits> (as fleet controller token create printed it)");
        }
        return text.substring(7);
    }

    private static void refuseUnlessEmpty(Path state) {
        if (!Files.exists(state)) {
            return;
        }
        try (Stream<Path> entries = Files.list(state)) {
            if (entries.findAny().isPresent()) {
                throw new JoinFailed(JoinFailed.Kind.FAILED, state + " is not empty; fleet controller join never overwrites: give a new or empty directory (nothing was sent)");
            }
        } catch (IOException e) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, "cannot read " + state + ": " + e.getMessage());
        }
    }

    private static <T> T checked(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, e.getMessage());
        }
    }

    private static <T> T calling(String where, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ControllerApiException e) {
            throw new JoinFailed(e.status() == 403 || e.status() == 400 ? JoinFailed.Kind.REFUSED : JoinFailed.Kind.FAILED,
                    "join refused by " + where + ": " + e.getMessage() + " (" + e.reason() + "); nothing was written");
        } catch (ControllerUnreachable e) {
            throw new JoinFailed(JoinFailed.Kind.FAILED, e.getMessage() + "; nothing was written");
        }
    }
}
