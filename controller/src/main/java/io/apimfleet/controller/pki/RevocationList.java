package io.apimfleet.controller.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The revoked agent certificates ({@code revoked.json}), each named by its issuer and serial:
 * serials are unique per issuer only (a joined controller's fleet intermediate draws its own), so
 * a revocation never hits another issuer's certificate with the same serial. Entries written
 * before issuers were recorded name none: they are the fleet root's (the only issuer then). The list re-reads the file whenever it changed on disk
 * (a revocation by {@code fleet agents remove} in another process takes effect at the next TLS
 * handshake), and otherwise answers from memory.
 */
public final class RevocationList {
    /**
     * @param serial lower-case hex
     * @param issuer the issuer's subject (RFC 2253); null in entries older than intermediates (the fleet root's)
     */
    public record Revoked(String serial, String node, Instant revokedAt, String reason, Instant notAfter, String issuer) {
        /** {@link RevocationList#key} of this entry, a missing issuer read as {@code defaultIssuer}. */
        String key(String defaultIssuer) {
            return RevocationList.key(issuer == null ? defaultIssuer : issuer, serial);
        }
    }

    record RevokedFile(int version, List<Revoked> revoked) {
        RevokedFile {
            revoked = revoked == null ? List.of() : List.copyOf(revoked);
        }
    }

    private record Snapshot(Object fileKey, FileTime modified, long size, List<Revoked> entries, Set<String> serials) {
    }

    private final Path file;
    private final String defaultIssuer;
    private volatile Snapshot snapshot;

    private RevocationList(Path file, String defaultIssuer) {
        this.file = file;
        this.defaultIssuer = defaultIssuer;
    }

    /** @param defaultIssuer the issuer of entries that name none (the fleet root's subject) */
    static RevocationList watching(Path file, String defaultIssuer) {
        return new RevocationList(file, defaultIssuer);
    }

    /** {@code ISSUER#SERIAL}: how a revoked certificate is named (the issuer's subject, RFC 2253; the serial in lower-case hex). */
    public static String key(String issuer, String serial) {
        return issuer + "#" + serial;
    }

    /** {@link #key(String, String)} of a certificate. */
    public static String key(X509Certificate certificate) {
        return key(certificate.getIssuerX500Principal().getName(), certificate.getSerialNumber().toString(16));
    }

    public boolean isRevoked(X509Certificate certificate) {
        return current().serials().contains(key(certificate));
    }

    public List<Revoked> entries() {
        return current().entries();
    }

    /** The {@link #key(String, String)} of every revoked certificate. */
    public Set<String> keys() {
        return current().serials();
    }

    private Snapshot current() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return new Snapshot(null, null, -1, List.of(), Set.of());
        } catch (IOException e) {
            throw new ControllerStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Snapshot known = snapshot;
        if (known != null && Objects.equals(known.fileKey(), attributes.fileKey())
                && known.modified().equals(attributes.lastModifiedTime()) && known.size() == attributes.size()) {
            return known;
        }
        List<Revoked> entries = read(file).revoked();
        Snapshot fresh = new Snapshot(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), entries,
                entries.stream().map(r -> r.key(defaultIssuer)).collect(Collectors.toUnmodifiableSet()));
        snapshot = fresh;
        return fresh;
    }

    // ------------------------------------------------------------------ writing, under the state lock

    static RevokedFile read(Path file) {
        return StateJson.read(file, RevokedFile.class, () -> new RevokedFile(1, List.of()));
    }

    /** Adds entries not already there. */
    static void add(Path file, List<Revoked> more) {
        RevokedFile current = read(file);
        Set<String> known = current.revoked().stream().map(r -> r.key(null)).collect(Collectors.toSet());
        List<Revoked> all = new ArrayList<>(current.revoked());
        more.stream().filter(r -> known.add(r.key(null))).forEach(all::add);
        StateJson.write(file, new RevokedFile(1, all));
    }

    static void writeEmpty(Path file) {
        StateJson.write(file, new RevokedFile(1, List.of()));
    }
}
