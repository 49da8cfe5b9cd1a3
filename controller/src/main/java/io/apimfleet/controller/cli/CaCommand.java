package io.apimfleet.controller.cli;

import io.apimfleet.controller.pki.CertificateAuthority;
import io.apimfleet.controller.pki.ControllerState;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleet ca show}: the controller's CAs and the pin agents join with. */
@Command(name = "ca",
        mixinStandardHelpOptions = true,
        description = "The controller's certificate authorities.",
        subcommands = CaCommand.Show.class)
final class CaCommand extends CommandGroup {
    /** {@code --ca-hash sha256:<hex of the fleet CA's SubjectPublicKeyInfo>}. */
    static String pinLine(ControllerState state) {
        return "--ca-hash sha256:" + state.fleetCa().spkiSha256();
    }

    @Command(name = "show",
            mixinStandardHelpOptions = true,
            description = "Prints both CAs (subject, not-after, SHA-256 fingerprint) and the --ca-hash pin agents join with.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Override
        public Integer call() {
            ControllerState opened = state.open("fleet ca show");
            PrintWriter out = spec.commandLine().getOut();
            print(out, "fleet CA (agent and admin identities)", opened.fleetCa());
            print(out, "product CA (API-M certificates)", opened.productCa());
            out.println("agents pin the fleet CA with:");
            out.println(pinLine(opened));
            out.flush();
            return 0;
        }

        /** The root; on a controller that joined the fleet, then the intermediate it signs with. */
        private static void print(PrintWriter out, String title, CertificateAuthority ca) {
            out.println(title);
            out.println("  subject    " + ca.root().getSubjectX500Principal().getName());
            out.println("  not after  " + Table.time(ca.root().getNotAfter().toInstant()));
            out.println("  SHA-256    " + ca.fingerprintSha256());
            if (ca.intermediate()) {
                out.println("  this controller signs with its intermediate " + ca.certificate().getSubjectX500Principal().getName());
                out.println("    not after  " + Table.time(ca.certificate().getNotAfter().toInstant()));
                out.println("    SHA-256    " + io.apimfleet.controller.pki.Fingerprints.sha256(ca.certificate()));
            }
        }
    }
}
