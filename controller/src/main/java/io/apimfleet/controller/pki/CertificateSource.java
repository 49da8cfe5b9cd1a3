package io.apimfleet.controller.pki;

import java.time.Instant;
import java.util.List;

/**
 * A kind of certificate the controller knows of, for {@code fleet certs list}: the CAs and the
 * admin, the agents ({@link CertificateInventory}), the product keys (the trust package).
 */
@FunctionalInterface
public interface CertificateSource {
    List<CertificateRow> rows(ControllerState state, Instant now);
}
