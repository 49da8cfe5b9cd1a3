package io.apimfleet.controller.daemon;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.KeyPurpose;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.pki.RevocationCheckingTrustManager;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The controller's TLS identity, made at every start: a fresh EC P-256 key (only ever in memory)
 * and a 90-day server certificate from the fleet CA whose SANs are the advertised host, every
 * bound address, and loopback ({@code 127.0.0.1}, {@code ::1}, {@code localhost}), issued by this
 * controller's fleet CA (its intermediate when it joined the fleet). Both listeners present it
 * with the chain up to the fleet root, so an agent can check the root against its pin. Trust on
 * the way in is the fleet root alone (PKIX: a client presents its intermediate, as an agent
 * another controller enrolled does), with the revocation list checked at every handshake.
 */
public final class ServerIdentity {
    public static final Duration VALIDITY = Duration.ofDays(90);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final X509Certificate certificate;
    private final String chainPem;
    private final String keyPem;
    private final RevocationCheckingTrustManager trust;
    private final List<String> names;

    private ServerIdentity(X509Certificate certificate, String chainPem, String keyPem, RevocationCheckingTrustManager trust, List<String> names) {
        this.certificate = certificate;
        this.chainPem = chainPem;
        this.keyPem = keyPem;
        this.trust = trust;
        this.names = names;
    }

    /** Issues the certificate (a blocking call: signing and the state's serial ledger). */
    public static ServerIdentity issue(ControllerState state, List<String> bindAddresses, Instant now) {
        List<String> names = names(hostOf(state.advertise()), bindAddresses);
        GeneralName[] sans = names.stream().map(ServerIdentity::generalName).toArray(GeneralName[]::new);
        KeyPair keys = Keys.ecP256();
        X509Certificate certificate = state.fleetCa().issue(keys.getPublic(),
                new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "apim-fleet")
                        .addRDN(BCStyle.CN, "apim-fleet controller " + state.fleetId()).build(),
                new GeneralNames(sans), VALIDITY, KeyPurpose.SERVER_AND_CLIENT_TLS, now);
        // leaf, this controller's intermediate (when it joined), the root: an agent finds its pin among them
        String chain = state.fleetCa().presentedChainPem(certificate) + Pem.write(state.fleetCa().root());
        RevocationCheckingTrustManager trust = RevocationCheckingTrustManager.trusting(state.fleetCa().root(), state.revocations());
        return new ServerIdentity(certificate, chain, Pem.write(keys.getPrivate()), trust, names);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The names in the certificate, in order. */
    public List<String> names() {
        return names;
    }

    /** Key and chain (leaf, then the intermediate when there is one, then the fleet root) for a Vert.x server. */
    public KeyCertOptions keyCertOptions() {
        return new PemKeyCertOptions().addKeyValue(Buffer.buffer(keyPem)).addCertValue(Buffer.buffer(chainPem));
    }

    /** The fleet CA, revocation checked. */
    public TrustOptions trustOptions() {
        return new FixedTrustOptions(trust);
    }

    /** {@code HOST} of {@code HOST:PORT} or {@code [V6]:PORT}, without brackets. */
    public static String hostOf(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static List<String> names(String advertiseHost, List<String> bindAddresses) {
        Set<String> names = new LinkedHashSet<>();
        names.add(advertiseHost);
        for (String bind : bindAddresses) {
            if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
                names.add(bind.startsWith("[") ? bind.substring(1, bind.length() - 1) : bind);
            }
        }
        names.add("127.0.0.1");
        names.add("::1");
        names.add("localhost");
        return new ArrayList<>(names);
    }

    private static GeneralName generalName(String name) {
        boolean ip = IPV4.matcher(name).matches() || name.contains(":");
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }
}
