package io.apimfleet.controller.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * One line of {@code fleet certs list}.
 *
 * @param node the node the certificate belongs to, or {@link #CONTROLLER} for the controller's own
 * @param kind {@code fleet-ca}, {@code product-ca}, {@code admin}, {@code agent} (product keys add theirs, e.g. {@code primary}, {@code tls})
 * @param subjectAltNames as {@code DNS:km1}, {@code IP:10.0.4.21}
 * @param fingerprintSha256 {@code AB:CD:...}
 * @param serial lower-case hex
 */
public record CertificateRow(String node, String kind, String commonName, List<String> subjectAltNames,
                             Instant notAfter, String fingerprintSha256, String serial) {
    public static final String CONTROLLER = "controller";

    public CertificateRow {
        subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
    }

    /** The row for {@code certificate}. */
    public static CertificateRow of(String node, String kind, X509Certificate certificate) {
        String cn = Enrollment.commonName(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()));
        return new CertificateRow(node, kind, cn == null ? certificate.getSubjectX500Principal().getName() : cn,
                subjectAltNames(certificate), certificate.getNotAfter().toInstant(),
                Fingerprints.sha256(certificate), certificate.getSerialNumber().toString(16));
    }

    /** Whole days until not-after, rounded down; negative once expired. */
    public long daysLeft(Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L);
    }

    /** {@code DNS:name}, {@code IP:address}, {@code URI:...}, {@code email:...}, in certificate order. */
    public static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = certificate.getSubjectAlternativeNames();
            if (all == null) {
                return names;
            }
            for (List<?> name : all) {
                Object value = name.get(1);
                String prefix = switch ((Integer) name.get(0)) {
                    case 1 -> "email:";
                    case 2 -> "DNS:";
                    case 6 -> "URI:";
                    case 7 -> "IP:";
                    default -> "other:";
                };
                names.add(prefix + (value instanceof String s ? s : "(binary)"));
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable)");
        }
        return names;
    }
}
