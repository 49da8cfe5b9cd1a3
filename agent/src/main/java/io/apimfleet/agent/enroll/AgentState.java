package io.apimfleet.agent.enroll;

import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.keystore.PemMaterial;
import io.apimfleet.bundle.stage.Durable;
import io.apimfleet.protocol.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The agent's state directory and what lives in it. Every directory is 0700, every file 0600,
 * written atomically:
 * <pre>
 * DIR/host-secrets.json       host-only secrets: identity-key (and identity-key-next while a join
 *                             or renewal waits for its certificate), tls-key, store passwords
 * DIR/identity/agent.crt      this agent's certificate (CN = node), from the fleet CA
 * DIR/identity/ca.crt         the fleet CA, the only CA the agent trusts on the control plane
 * DIR/identity/controller.json {controller, bridgeEndpoints, node, home}
 * DIR/bundles/                the bundle applier's state (history, backups, intent journal)
 * </pre>
 * This class stays free of BouncyCastle (its signed jars are slow to open): the daemon loads
 * its identity through here; only making keys and CSRs ({@link HostKeys}) needs BouncyCastle.
 */
public final class AgentState {
    private final Path root;

    public AgentState(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path identityDir() {
        return root.resolve("identity");
    }

    public Path certificateFile() {
        return identityDir().resolve("agent.crt");
    }

    public Path caFile() {
        return identityDir().resolve("ca.crt");
    }

    public Path linkFile() {
        return identityDir().resolve("controller.json");
    }

    public Path bundles() {
        return root.resolve("bundles");
    }

    public HostSecrets hostSecrets() {
        return new HostSecrets(root.resolve("host-secrets.json"));
    }

    public boolean hasIdentity() {
        return Files.exists(certificateFile());
    }

    /**
     * Creates the state and identity directories (0700), tightening them when they exist. The
     * identity directory belongs to the state directory's owner: root joining a host whose state
     * directory belongs to the service user (as the packages make it) leaves nothing that user cannot
     * read. Files inherit their directory's owner as they are written ({@link Durable#write}).
     */
    public void prepareDirectories() {
        for (Path dir : List.of(root, identityDir())) {
            try {
                Files.createDirectories(dir);
                Durable.setMode(dir, 0700);
                if (!dir.equals(root)) {
                    giveToOwnerOf(root, dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Gives {@code dir} the owner and group of {@code from} when they differ (only root may; others own it already). */
    private static void giveToOwnerOf(Path from, Path dir) throws IOException {
        PosixFileAttributes owner = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes mine = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (!owner.owner().equals(mine.owner())) {
            view.setOwner(owner.owner());
        }
        if (!owner.group().equals(mine.group())) {
            view.setGroup(owner.group());
        }
    }

    /** Writes one file of the identity directory, 0600, atomically. */
    public void write(Path file, String content) {
        prepareDirectories();
        Durable.write(file, content.getBytes(StandardCharsets.UTF_8), 0600);
    }

    public void writeLink(ControllerLink link) {
        try {
            write(linkFile(), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(link) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Keeps the bridge endpoints a controller named (in a renewal answer or its link advice) in
     * {@code controller.json}, first, with the stored ones they left out after them
     * ({@link BridgeEndpoints#merged}), atomically, when that differs from the stored list; true when written.
     * Synchronised: a renewal and an advice may both update the file.
     */
    public synchronized boolean updateBridgeEndpoints(List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return false;
        }
        ControllerLink link = readLink();
        List<String> given = BridgeEndpoints.texts(BridgeEndpoints.merged(endpoints, BridgeEndpoints.parse(link.bridgeEndpoints(), line -> { })));
        if (given.equals(link.bridgeEndpoints())) {
            return false;
        }
        writeLink(new ControllerLink(link.controller(), given, link.node(), link.home()));
        return true;
    }

    public ControllerLink readLink() {
        requireIdentity();
        try {
            return Json.mapper().readValue(linkFile().toFile(), ControllerLink.class);
        } catch (IOException e) {
            throw new IllegalStateException(linkFile() + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * The identity as stored: the certificate, the CA and whichever stored identity key matches the
     * certificate. When that is the pending key (a renewal stored its certificate, then stopped),
     * the pending key is made current here.
     */
    public Identity loadIdentity() {
        requireIdentity();
        List<X509Certificate> chain = certificates(certificateFile());
        X509Certificate certificate = chain.get(0);
        List<X509Certificate> issuers = chain.subList(1, chain.size());
        X509Certificate ca = onlyCertificate(caFile());
        Optional<String> current = hostSecrets().lookup(HostKeys.IDENTITY_KEY).filter(v -> !v.isBlank());
        Optional<String> pending = pendingKey();
        List<String> tried = new ArrayList<>();
        if (current.isPresent()) {
            PrivateKey key = PemMaterial.privateKey(current.get(), "identity key");
            if (pairs(key, certificate)) {
                return new Identity(commonName(certificate), key, certificate, ca, issuers);
            }
            tried.add(HostKeys.IDENTITY_KEY);
        }
        if (pending.isPresent()) {
            PrivateKey key = PemMaterial.privateKey(pending.get(), "pending identity key");
            if (pairs(key, certificate)) {
                promotePendingKey();
                return new Identity(commonName(certificate), key, certificate, ca, issuers);
            }
            tried.add(HostKeys.IDENTITY_KEY_NEXT);
        }
        throw new IllegalStateException("no identity key in " + hostSecrets().file() + " matches " + certificateFile()
                + (tried.isEmpty() ? " (there is none)" : " (tried " + String.join(", ", tried) + ")")
                + "; join again with a new token and --force");
    }

    /** The identity key made for a join or renewal whose certificate is not stored yet, if any. */
    public Optional<String> pendingKey() {
        return hostSecrets().lookup(HostKeys.IDENTITY_KEY_NEXT).filter(v -> !v.isBlank());
    }

    /** The pending identity key becomes the identity key (its certificate is stored). */
    public void promotePendingKey() {
        String next = pendingKey().orElseThrow(() -> new IllegalStateException("no pending identity key"));
        HostSecrets secrets = hostSecrets();
        secrets.put(HostKeys.IDENTITY_KEY, next);
        secrets.put(HostKeys.IDENTITY_KEY_NEXT, "");
    }

    /** Forgets the pending identity key (its request was refused or failed). */
    public void discardPendingKey() {
        if (pendingKey().isPresent()) {
            hostSecrets().put(HostKeys.IDENTITY_KEY_NEXT, "");
        }
    }

    private void requireIdentity() {
        if (!hasIdentity()) {
            throw new IllegalStateException("no fleet identity in " + root
                    + ": join first (fleet-agent join --controller ... --token ... --ca-hash ... --node ... --state " + root + ")");
        }
    }

    static X509Certificate onlyCertificate(Path file) {
        return certificates(file).get(0);
    }

    /** Every certificate in {@code file}, in order (the certificate file: the agent's, then its issuers below the fleet CA). */
    static List<X509Certificate> certificates(Path file) {
        try {
            return PemMaterial.certificates(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code key} is the private half of the certificate's public key. */
    static boolean pairs(PrivateKey key, X509Certificate certificate) {
        return key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm()) && PemMaterial.belongTogether(key, certificate);
    }

    /** The CN of a certificate's subject. */
    public static String commonName(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        try {
            List<String> cns = new ArrayList<>();
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().toUpperCase(Locale.ROOT).equals("CN")) {
                    cns.add(String.valueOf(rdn.getValue()));
                }
            }
            if (cns.size() != 1) {
                throw new IllegalArgumentException("certificate " + subject + " has no single CN");
            }
            return cns.get(0);
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("certificate subject " + subject + " is not a distinguished name", e);
        }
    }
}
