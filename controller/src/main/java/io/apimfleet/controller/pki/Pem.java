package io.apimfleet.controller.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM text in and out: certificates ({@code CERTIFICATE}), private keys as PKCS#8
 * ({@code PRIVATE KEY}), public keys ({@code PUBLIC KEY}) and CSRs ({@code CERTIFICATE REQUEST}).
 * Parsed certificates and keys come from the JDK's own providers, ready for TLS and keytool.
 * Malformed input is an {@link IllegalArgumentException} whose message says what was expected.
 */
public final class Pem {
    private Pem() {
    }

    /** One PEM block for a certificate, private key, public key or CSR (or several, for a collection). */
    public static String write(Object certOrKey) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            for (PemObject block : blocks(certOrKey)) {
                writer.writeObject(block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** The first certificate in {@code pem}. */
    public static X509Certificate certificate(String pem) {
        List<X509Certificate> all = certificates(pem);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no PEM CERTIFICATE block found");
        }
        return all.get(0);
    }

    /** Every certificate in {@code pem}, in order (other block types are skipped). */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (PemObject block : read(pem)) {
            if (block.getType().equals("CERTIFICATE") || block.getType().equals("X509 CERTIFICATE")) {
                certificates.add(certificate(block.getContent()));
            }
        }
        return certificates;
    }

    /** The private key in {@code pem}: PKCS#8 ({@code PRIVATE KEY}) or the traditional RSA/EC forms; never an encrypted one. */
    public static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a readable PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no unencrypted PEM PRIVATE KEY block found");
    }

    /** The PKCS#10 request in {@code pem} ({@code CERTIFICATE REQUEST} or {@code NEW CERTIFICATE REQUEST}). */
    public static PKCS10CertificationRequest csr(String pem) {
        for (PemObject block : read(pem)) {
            if (block.getType().equals("CERTIFICATE REQUEST") || block.getType().equals("NEW CERTIFICATE REQUEST")) {
                try {
                    return new PKCS10CertificationRequest(block.getContent());
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException("the CERTIFICATE REQUEST block is not a PKCS#10 request: " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalArgumentException("no PEM CERTIFICATE REQUEST block found");
    }

    /** Writes {@link #write(Object)} to {@code file} atomically: 0600 for a private key, 0644 otherwise. */
    public static void writeFile(Path file, Object certOrKey) {
        byte[] content = write(certOrKey).getBytes(StandardCharsets.US_ASCII);
        SecureFiles.write(file, content, certOrKey instanceof PrivateKey ? SecureFiles.PRIVATE : SecureFiles.PUBLIC);
    }

    public static X509Certificate readCertificate(Path file) {
        return certificate(readText(file));
    }

    public static List<X509Certificate> readCertificates(Path file) {
        return certificates(readText(file));
    }

    public static PrivateKey readPrivateKey(Path file) {
        return privateKey(readText(file));
    }

    public static PKCS10CertificationRequest readCsr(Path file) {
        return csr(readText(file));
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<PemObject> blocks(Object object) {
        try {
            if (object instanceof X509Certificate certificate) {
                return List.of(new PemObject("CERTIFICATE", certificate.getEncoded()));
            }
            if (object instanceof X509CertificateHolder holder) {
                return List.of(new PemObject("CERTIFICATE", holder.getEncoded()));
            }
            if (object instanceof PrivateKey key) {
                // the JDK encodes private keys as PKCS#8 PrivateKeyInfo
                return List.of(new PemObject("PRIVATE KEY", PrivateKeyInfo.getInstance(key.getEncoded()).getEncoded("DER")));
            }
            if (object instanceof PublicKey key) {
                return List.of(new PemObject("PUBLIC KEY", key.getEncoded()));
            }
            if (object instanceof PKCS10CertificationRequest csr) {
                return List.of(new PemObject("CERTIFICATE REQUEST", csr.getEncoded()));
            }
            if (object instanceof Iterable<?> many) {
                List<PemObject> all = new ArrayList<>();
                for (Object one : many) {
                    all.addAll(blocks(one));
                }
                return all;
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot encode " + object.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("cannot write a " + (object == null ? "null" : object.getClass().getName()) + " as PEM");
    }

    private static List<PemObject> read(String pem) {
        if (pem == null) {
            throw new IllegalArgumentException("no PEM text given");
        }
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject block;
            while ((block = reader.readPemObject()) != null) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not valid PEM text: " + e.getMessage(), e);
        }
        return blocks;
    }

    static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("not a DER X.509 certificate: " + e.getMessage(), e);
        }
    }
}
