package io.apimfleet.controller.pki;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The ledger of every serial either CA signed ({@code ca/issued.json} and its side log
 * {@code ca/issued.json.log}, see {@link LoggedList}): a new serial is drawn until it is unused,
 * the certificate signed with it, and one line appended, so issuing the ten-thousandth
 * certificate does not rewrite the nine thousand nine hundred and ninety-nine before it.
 */
final class IssuedLedger {
    private IssuedLedger() {
    }

    /** Under the state's lock: signs with a serial no certificate of either CA has, and records it. */
    static X509Certificate issueUnique(Path file, String ca, Function<BigInteger, X509Certificate> sign) {
        LoggedList<ControllerState.IssuedEntry, ControllerState.IssuedFile> ledger = ledger(file);
        BigInteger serial;
        do {
            serial = CertificateAuthority.randomSerial();
        } while (ledger.get(serial.toString(16)).isPresent());   // keyed by serial: no set of every serial per issue
        X509Certificate certificate = sign.apply(serial);
        ledger.put(new ControllerState.IssuedEntry(ca, serial.toString(16), certificate.getSubjectX500Principal().getName(),
                certificate.getNotAfter().toInstant(), Instant.now()));
        return certificate;
    }

    /** Under the state's lock: records a certificate signed outside {@link #issueUnique} (a new root). */
    static void record(Path file, ControllerState.IssuedEntry entry) {
        ledger(file).put(entry);
    }

    /** Every entry, oldest first. */
    static List<ControllerState.IssuedEntry> entries(Path file) {
        return ledger(file).read();
    }

    private static LoggedList<ControllerState.IssuedEntry, ControllerState.IssuedFile> ledger(Path file) {
        return new LoggedList<>(file, ControllerState.IssuedFile.class, ControllerState.IssuedEntry.class,
                ControllerState.IssuedFile::certificates, list -> new ControllerState.IssuedFile(1, list), ControllerState.IssuedEntry::serial);
    }
}
