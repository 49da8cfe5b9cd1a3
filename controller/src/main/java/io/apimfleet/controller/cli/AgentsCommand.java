package io.apimfleet.controller.cli;

import io.apimfleet.controller.pki.AgentRegistry;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.Enrollment;
import io.apimfleet.controller.pki.RevocationList;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleet agents list|remove}: the enrolled agents and their identities. */
@Command(name = "agents",
        mixinStandardHelpOptions = true,
        description = "Enrolled agents: their certificates, and removal (which revokes them).",
        subcommands = {AgentsCommand.List.class, AgentsCommand.Remove.class})
final class AgentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetCommand.EXIT_USER_ERROR;
    }

    @Command(name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists enrolled agents: node, certificate serial, not-after, days left, status (valid, renew-due, expired).")
    static final class List implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Override
        public Integer call() {
            ControllerState opened = state.open("fleet agents list");
            Instant now = Instant.now();
            RevocationList revocations = opened.revocations();
            Table table = new Table("NODE", "SERIAL", "NOT-AFTER", "DAYS-LEFT", "STATUS");
            for (AgentRegistry.Agent agent : opened.agents().list()) {
                AgentRegistry.IssuedCertificate latest = agent.latest();
                X509Certificate certificate = latest.certificate();
                table.row(agent.node(), latest.serial(), Table.time(latest.notAfter()),
                        Math.floorDiv(Duration.between(now, latest.notAfter()).toSeconds(), 86_400L),
                        status(certificate, revocations, now));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (table.isEmpty()) {
                out.println("no enrolled agents (make a join token with: fleet token create --node NAME)");
                out.flush();
            } else {
                table.print(out);
            }
            return 0;
        }

        private static String status(X509Certificate certificate, RevocationList revocations, Instant now) {
            if (revocations.isRevoked(certificate)) {
                return "revoked";
            }
            if (!now.isBefore(certificate.getNotAfter().toInstant())) {
                return "expired";
            }
            return now.isBefore(Enrollment.renewalDue(certificate)) ? "valid" : "renew-due";
        }
    }

    @Command(name = "remove",
            mixinStandardHelpOptions = true,
            description = "Removes an agent: revokes all its certificates (refused at its next TLS handshake) and forgets it.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Parameters(paramLabel = "NAME", description = "the node name")
        String node;

        @Override
        public Integer call() {
            ControllerState opened = state.open("fleet agents remove");
            AgentRegistry.Agent removed;
            try {
                removed = opened.agents().remove(node, Instant.now());
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet agents remove: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            int count = removed.certificates().size();
            out.println("removed agent " + node + ": revoked " + count + (count == 1 ? " certificate" : " certificates")
                    + " (serial " + String.join(", ", removed.certificates().stream().map(AgentRegistry.IssuedCertificate::serial).toList())
                    + "); to bring it back, join it again with a new token");
            out.flush();
            return 0;
        }
    }
}
