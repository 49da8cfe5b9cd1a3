package io.apimfleet.controller.pki;

import java.security.cert.X509Certificate;

import java.time.Instant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.Provider;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Test support: an initialised controller state (made once per JVM, then copied with its
 * permissions into each test's directory, since an RSA 3072 CA key takes a while to make) and
 * CSRs as agents make them.
 */
public final class TestStates {
    public static final String ADVERTISE = "controller.test:7443";
    private static Path template;

    private TestStates() {
    }

    /** A fresh, initialised state in {@code parent/state}, advertising {@link #ADVERTISE}. */
    public static ControllerState fresh(Path parent) {
        Path target = parent.resolve("state");
        copy(template(), target);
        return ControllerState.open(target);
    }

    /** A copy of {@code state} in {@code parent/state} (a second controller's, until {@code fleet controller join}), opened. */
    public static ControllerState copyOf(ControllerState state, Path parent) {
        Path target = parent.resolve("state");
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        copy(state.dir(), target);
        return ControllerState.open(target);
    }

    /**
     * The state of a controller that joined {@code first}'s fleet, in {@code parent/state}, made
     * in-process as {@code fleet controller join} makes it over the network: intermediates signed
     * by {@code first}'s roots, its cluster secrets, advertising {@code advertise}.
     */
    public static ControllerState joined(ControllerState first, Path parent, String advertise) {
        Instant now = Instant.now();
        ClusterSecrets secrets = first.clusterSecrets();
        return ControllerState.createJoined(parent.resolve("state"), new ControllerState.Joined(first.fleetId(), advertise,
                intermediate(first.fleetCa(), Keys.ecP256(), now),
                intermediate(first.productCa(), Keys.rsa(2048), now),
                intermediate(first.peerCa(), Keys.ecP256(), now),
                secrets.masterKey(), secrets.sealedFiles(), List.of()), now);
    }

    private static ControllerState.IntermediateCa intermediate(CertificateAuthority root, java.security.KeyPair keys, Instant now) {
        X509Certificate certificate = root.issueIntermediate(keys.getPublic(),
                new X500Name("O=apim-fleet, CN=test " + root.name() + " intermediate " + Long.toHexString(now.toEpochMilli())), now);
        return new ControllerState.IntermediateCa(List.of(certificate, root.root()), keys.getPrivate());
    }

    /** A PEM CSR for {@code CN=cn}, signed with {@code keys} (SHA256withECDSA or SHA256withRSA). */
    public static String csr(KeyPair keys, String cn) {
        return Pem.write(request(keys, new X500Name("CN=" + cn), null));
    }

    static PKCS10CertificationRequest request(KeyPair keys, X500Name subject, Provider provider) {
        String algorithm = switch (keys.getPrivate().getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> keys.getPrivate().getAlgorithm();
        };
        try {
            JcaContentSignerBuilder signer = new JcaContentSignerBuilder(algorithm);
            if (provider != null) {
                signer.setProvider(provider);
            }
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic()).build(signer.build(keys.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file under {@code dir}, as text (for "the secret is nowhere" checks). */
    public static String allText(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(file).append('\n').append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path template() {
        if (template == null) {
            try {
                Path dir = Files.createTempDirectory("apim-fleet-state-template");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                ControllerState.init(dir.resolve("state"), ADVERTISE);
                template = dir.resolve("state");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return template;
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
