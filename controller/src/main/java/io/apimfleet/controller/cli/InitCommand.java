package io.apimfleet.controller.cli;

import io.apimfleet.controller.pki.CertificateAuthority;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.ControllerStateException;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet init --state DIR [--advertise HOST:PORT]}: creates the controller's state, CAs and admin certificate. */
@Command(name = "init",
        mixinStandardHelpOptions = true,
        description = {"Creates the controller's state: fleet CA (EC P-256), product CA (RSA 3072), admin client certificate, master key.",
                "Refuses a directory that is not empty: it never overwrites."})
final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Option(names = "--advertise", paramLabel = "HOST:PORT",
            description = "where agents reach the controller's API (default: this host's name, port 7443)")
    String advertise;

    @Override
    public Integer call() {
        ControllerState created;
        try {
            created = ControllerState.init(state.required("fleet init"), advertise);
        } catch (ControllerStateException | IllegalArgumentException e) {
            throw new UserError("fleet init: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("initialised controller state in " + created.dir());
        out.println("  advertise   " + created.advertise());
        describe(out, "  fleet CA    ", created.fleetCa());
        describe(out, "  product CA  ", created.productCa());
        X509Certificate admin = created.adminCertificate();
        out.println("  admin       " + created.dir().resolve("admin") + " (" + admin.getSubjectX500Principal().getName()
                + ", until " + Table.time(admin.getNotAfter().toInstant()) + ")");
        out.println("agents pin the fleet CA with:");
        out.println(CaCommand.pinLine(created));
        out.println("next: fleet token create --state " + state.dir + " --node NAME");
        out.flush();
        return 0;
    }

    private static void describe(PrintWriter out, String label, CertificateAuthority ca) {
        out.println(label + ca.certificate().getSubjectX500Principal().getName() + "  SHA-256 " + ca.fingerprintSha256());
    }
}
