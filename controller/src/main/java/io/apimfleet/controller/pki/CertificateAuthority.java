package io.apimfleet.controller.pki;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * One of the controller's CAs (the fleet CA, EC P-256, for agent and admin identities; the product
 * CA, RSA 3072, for API-M certificates; the controller-peer CA). On the first controller each is a
 * self-signed root; on a controller that joined ({@code fleet controller join}) each is an
 * intermediate the first controller's root signed (path length 0), with that root as the end of
 * its {@link #chain()}. It issues end-entity certificates (and, a root only, intermediates): the CA sets the
 * subject, SANs, key usage and validity it is given, never anything taken from a CSR. Every serial
 * is random (127 bits, positive) and recorded in the state's {@code ca/issued.json}, which keeps it
 * unique across both CAs (so a serial alone names a certificate of this state).
 */
public final class CertificateAuthority {
    /** Clock skew between hosts that a fresh certificate tolerates. */
    public static final Duration BACKDATE = Duration.ofMinutes(5);

    /** Reserves a serial that this state has never issued, and records what was signed with it. */
    interface SerialLedger {
        X509Certificate issueUnique(String ca, java.util.function.Function<BigInteger, X509Certificate> sign);
    }

    private final String name;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final SerialLedger ledger;
    /** This CA's certificate, then its issuers' up to the root (the root alone for a root). */
    private final java.util.List<X509Certificate> chain;

    CertificateAuthority(String name, X509Certificate certificate, PrivateKey privateKey, SerialLedger ledger) {
        this(name, java.util.List.of(certificate), privateKey, ledger);
    }

    /** @param chain this CA's certificate first, then each issuer's, the root last */
    CertificateAuthority(String name, java.util.List<X509Certificate> chain, PrivateKey privateKey, SerialLedger ledger) {
        this.name = name;
        this.chain = java.util.List.copyOf(chain);
        this.certificate = this.chain.get(0);
        this.privateKey = privateKey;
        this.ledger = ledger;
    }

    /** {@code fleet} or {@code product}. */
    public String name() {
        return name;
    }

    /** The certificate this CA signs with (an intermediate on a joined controller, else the root). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** This CA's certificate, then its issuers' up to and including the root. */
    public java.util.List<X509Certificate> chain() {
        return chain;
    }

    /** The self-signed root at the end of {@link #chain()}: the trust anchor and the pin. */
    public X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    /** Whether this CA is an intermediate (a joined controller's), not a root. */
    public boolean intermediate() {
        return chain.size() > 1;
    }

    /**
     * What a certificate this CA issued is presented with: the leaf, then this CA's chain without
     * the root (the peer holds the root as its anchor), as PEM.
     */
    public String presentedChainPem(X509Certificate leaf) {
        StringBuilder pem = new StringBuilder(Pem.write(leaf));
        for (X509Certificate issuer : chain.subList(0, chain.size() - 1)) {
            pem.append(Pem.write(issuer));
        }
        return pem.toString();
    }

    /** The CA's key: for this package (and tests) only; others sign through {@link #issue}. */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** Hex SHA-256 of the root's SubjectPublicKeyInfo: the pin agents give as {@code --ca-hash sha256:<hex>}. */
    public String spkiSha256() {
        return Fingerprints.spkiSha256(root());
    }

    /** SHA-256 of the root's certificate, {@code AB:CD:...} as keytool prints it. */
    public String fingerprintSha256() {
        return Fingerprints.sha256(root());
    }

    public X500Name subject() {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    /** {@link #issue(PublicKey, X500Name, GeneralNames, Duration, KeyPurpose, Instant)} from now. */
    public X509Certificate issue(PublicKey subjectKey, X500Name subject, GeneralNames subjectAltNames,
                                 Duration validity, KeyPurpose purpose) {
        return issue(subjectKey, subject, subjectAltNames, validity, purpose, Instant.now());
    }

    /**
     * Signs an end-entity certificate valid from {@code now - 5 min} for {@code validity} (never
     * beyond this CA's own not-after), with a fresh unique serial.
     *
     * @param subjectAltNames may be null (no SAN extension)
     */
    public X509Certificate issue(PublicKey subjectKey, X500Name subject, GeneralNames subjectAltNames,
                                 Duration validity, KeyPurpose purpose, Instant now) {
        Objects.requireNonNull(subjectKey, "subjectKey");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(purpose, "purpose");
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, not " + validity);
        }
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (!now.isBefore(caNotAfter)) {
            throw new IllegalStateException("the " + name + " CA expired at " + caNotAfter + "; it can no longer issue");
        }
        Instant notBefore = now.minus(BACKDATE);
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        Instant until = notAfter;
        return ledger.issueUnique(name, serial -> sign(serial, subjectKey, subject, subjectAltNames, notBefore, until, purpose));
    }

    /**
     * Signs an intermediate CA for a joining controller's key: CA=true with path length 0 (it
     * issues end-entity certificates only), keyCertSign+cRLSign, valid as long as this CA. Only a
     * root signs intermediates.
     *
     * @throws IllegalStateException when this CA is itself an intermediate
     */
    public X509Certificate issueIntermediate(PublicKey subjectKey, X500Name subject, Instant now) {
        Objects.requireNonNull(subjectKey, "subjectKey");
        Objects.requireNonNull(subject, "subject");
        if (intermediate()) {
            throw new IllegalStateException("the " + name + " CA here is an intermediate; only the controller holding the root signs intermediates");
        }
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (!now.isBefore(notAfter)) {
            throw new IllegalStateException("the " + name + " CA expired at " + notAfter + "; it can no longer issue");
        }
        return ledger.issueUnique(name, serial -> {
            try {
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject(), serial,
                        Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, subjectKey)
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey))
                        .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(utils));
                return Pem.certificate(builder.build(signer(privateKey)).getEncoded());
            } catch (java.io.IOException | java.security.NoSuchAlgorithmException | CertificateEncodingException e) {
                throw new IllegalStateException("cannot issue the intermediate CA " + subject + ": " + e.getMessage(), e);
            }
        });
    }

    private X509Certificate sign(BigInteger serial, PublicKey subjectKey, X500Name subject, GeneralNames sans,
                                 Instant notBefore, Instant notAfter, KeyPurpose purpose) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject(), serial,
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, keyUsage(purpose, subjectKey))
                    .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(utils));
            if (sans != null && sans.getNames().length > 0) {
                builder.addExtension(Extension.subjectAlternativeName, subject.getRDNs().length == 0, sans);
            }
            return Pem.certificate(builder.build(signer(privateKey)).getEncoded());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private AuthorityKeyIdentifier authorityKeyIdentifier(JcaX509ExtensionUtils utils) throws CertificateEncodingException {
        X509CertificateHolder holder = new JcaX509CertificateHolder(certificate);
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(holder.getExtensions());
        return ski != null
                ? new AuthorityKeyIdentifier(ski.getKeyIdentifier())
                : utils.createAuthorityKeyIdentifier(certificate.getPublicKey());
    }

    private static KeyUsage keyUsage(KeyPurpose purpose, PublicKey subjectKey) {
        boolean rsa = subjectKey.getAlgorithm().equals("RSA");
        int bits = KeyUsage.digitalSignature;
        if (rsa && purpose != KeyPurpose.CLIENT_TLS) {
            bits |= KeyUsage.keyEncipherment;
        }
        if (rsa && purpose == KeyPurpose.SIGNING) {
            bits |= KeyUsage.dataEncipherment;
        }
        return new KeyUsage(bits);
    }

    private static ExtendedKeyUsage extendedKeyUsage(KeyPurpose purpose) {
        return purpose == KeyPurpose.CLIENT_TLS
                ? new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
                : new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
    }

    /** A self-signed root: CA=true, keyCertSign+cRLSign, valid from {@code now - 5 min} for {@code validity}. */
    static X509Certificate selfSigned(java.security.KeyPair keys, X500Name subject, BigInteger serial, Instant now, Duration validity) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return Pem.certificate(builder.build(signer(keys.getPrivate())).getEncoded());
        } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot make the CA certificate " + subject + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode the CA certificate " + subject + ": " + e.getMessage(), e);
        }
    }

    /** SHA256withECDSA for an EC key, SHA256withRSA for an RSA key. */
    private static ContentSigner signer(PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalStateException("a CA key must be EC or RSA, not " + key.getAlgorithm());
        };
        try {
            JcaContentSignerBuilder builder = new JcaContentSignerBuilder(algorithm);
            // EC with BouncyCastle: its ECDSA uses a precomputed table for the curve's generator, several
            // times faster than JDK 17's pure-Java signing (one signature per enrollment, on the state thread)
            return (key.getAlgorithm().equals("EC") ? builder.setProvider(Crypto.BC) : builder).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + algorithm + ": " + e.getMessage(), e);
        }
    }

    /** A random positive serial of up to 127 bits, never zero. */
    static BigInteger randomSerial() {
        byte[] bytes = new byte[16];
        BigInteger serial;
        do {
            Crypto.RANDOM.nextBytes(bytes);
            bytes[0] &= 0x7F;
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }
}
