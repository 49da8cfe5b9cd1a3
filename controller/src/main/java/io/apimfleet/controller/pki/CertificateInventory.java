package io.apimfleet.controller.pki;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every certificate the controller knows of, from every {@link CertificateSource}, for {@code fleet certs list}. */
public final class CertificateInventory {
    private CertificateInventory() {
    }

    /**
     * The controller's own certificates: both CAs' roots, on a controller that joined the fleet
     * also its intermediates ({@code fleet-intermediate}, {@code product-intermediate}), and the
     * admin client certificate.
     */
    public static final CertificateSource CONTROLLER = (state, now) -> {
        List<CertificateRow> rows = new ArrayList<>();
        for (CertificateAuthority ca : List.of(state.fleetCa(), state.productCa())) {
            rows.add(CertificateRow.of(CertificateRow.CONTROLLER, ca.name() + "-ca", ca.root()));
            if (ca.intermediate()) {
                rows.add(CertificateRow.of(CertificateRow.CONTROLLER, ca.name() + "-intermediate", ca.certificate()));
            }
        }
        rows.add(CertificateRow.of(CertificateRow.CONTROLLER, "admin", state.adminCertificate()));
        return rows;
    };

    /** Each enrolled agent's current (last issued) certificate. */
    public static final CertificateSource AGENTS = (state, now) -> state.agents().list().stream()
            .map(agent -> CertificateRow.of(agent.node(), "agent", agent.latest().certificate()))
            .toList();

    /** Every row of the sources: the controller's first, then by node; within a node, in source order. */
    public static List<CertificateRow> rows(ControllerState state, Instant now, List<CertificateSource> sources) {
        List<CertificateRow> rows = new ArrayList<>();
        for (CertificateSource source : sources) {
            rows.addAll(source.rows(state, now));
        }
        rows.sort(Comparator.comparing((CertificateRow r) -> !r.node().equals(CertificateRow.CONTROLLER))
                .thenComparing(CertificateRow::node));
        return rows;
    }
}
