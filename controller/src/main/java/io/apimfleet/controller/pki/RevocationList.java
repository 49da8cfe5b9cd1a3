package io.apimfleet.controller.pki;

import java.io.IOException;
import java.math.BigInteger;
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
 * The serials of revoked agent certificates ({@code revoked.json}). Serials are unique across the
 * state's CAs, so the serial alone decides. The list re-reads the file whenever it changed on disk
 * (a revocation by {@code fleet agents remove} in another process takes effect at the next TLS
 * handshake), and otherwise answers from memory.
 */
public final class RevocationList {
    /** @param serial lower-case hex */
    public record Revoked(String serial, String node, Instant revokedAt, String reason, Instant notAfter) {
    }

    record RevokedFile(int version, List<Revoked> revoked) {
        RevokedFile {
            revoked = revoked == null ? List.of() : List.copyOf(revoked);
        }
    }

    private record Snapshot(Object fileKey, FileTime modified, long size, List<Revoked> entries, Set<String> serials) {
    }

    private final Path file;
    private volatile Snapshot snapshot;

    private RevocationList(Path file) {
        this.file = file;
    }

    static RevocationList watching(Path file) {
        return new RevocationList(file);
    }

    public boolean isRevoked(X509Certificate certificate) {
        return isRevoked(certificate.getSerialNumber());
    }

    public boolean isRevoked(BigInteger serial) {
        return current().serials().contains(serial.toString(16));
    }

    public List<Revoked> entries() {
        return current().entries();
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
                entries.stream().map(Revoked::serial).collect(Collectors.toUnmodifiableSet()));
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
        Set<String> known = current.revoked().stream().map(Revoked::serial).collect(Collectors.toSet());
        List<Revoked> all = new ArrayList<>(current.revoked());
        more.stream().filter(r -> known.add(r.serial())).forEach(all::add);
        StateJson.write(file, new RevokedFile(1, all));
    }

    static void writeEmpty(Path file) {
        StateJson.write(file, new RevokedFile(1, List.of()));
    }
}
