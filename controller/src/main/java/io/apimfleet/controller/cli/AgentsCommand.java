package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.pki.AgentRegistry;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.Enrollment;
import io.apimfleet.controller.pki.RevocationList;
import io.apimfleet.protocol.link.AgentView;
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

/**
 * {@code fleet agents}: the live view from the running controller (connected, last heartbeat,
 * product state, revision, certificate days left); {@code fleet agents list|remove} work on the
 * state directory alone, with or without a controller running.
 */
@Command(name = "agents",
        mixinStandardHelpOptions = true,
        description = {"Agents as the running controller sees them: connected, last heartbeat, product, revision, certificate.",
                "The subcommands work on the state directory alone (no controller needed)."},
        subcommands = {AgentsCommand.List.class, AgentsCommand.Remove.class})
final class AgentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Mixin
    ControllerOption controller;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        ControllerClient client = controller.client(state, "fleet agents");
        java.util.List<AgentView> views = ControllerOption.calling("fleet agents", client::agents);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, views);
            return 0;
        }
        if (views.isEmpty()) {
            out.println("no enrolled agents (make a join token with: fleet token create --node NAME)");
            out.flush();
            return 0;
        }
        Table table = new Table("NODE", "HOST", "CONNECTED", "LAST-HEARTBEAT", "PRODUCT", "REVISION", "CERT-DAYS-LEFT");
        for (AgentView view : views) {
            table.row(view.node(), view.host(), !view.connected() ? "no" : view.controller() == null ? "yes" : "yes, via " + view.controller(), Table.time(view.lastHeartbeat()),
                    view.productState(), view.lastHeartbeat() == null ? null : view.bundleRevision(), view.certificateDaysLeft());
        }
        table.print(out);
        return 0;
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
