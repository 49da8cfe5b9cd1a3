package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;

import io.apimfleet.controller.pki.CertificateInventory;
import io.apimfleet.controller.pki.CertificateRow;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.trust.ProductKeys;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleet certs list}: every certificate the controller knows of, from every {@link io.apimfleet.controller.pki.CertificateSource}. */
@Command(name = "certs",
        mixinStandardHelpOptions = true,
        description = "Certificates the controller issued or holds.",
        subcommands = {CertsCommand.List.class, CertsCommand.Rotate.class})
final class CertsCommand extends CommandGroup {
    @Command(name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists certificates: node, kind, CN, SANs, not-after, days left, SHA-256 fingerprint.")
    static final class List implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Override
        public Integer call() {
            ControllerState opened = state.open("fleet certs list");
            Instant now = Instant.now();
            Table table = new Table("NODE", "KIND", "CN", "SANS", "NOT-AFTER", "DAYS-LEFT", "SHA-256");
            for (CertificateRow row : CertificateInventory.rows(opened, now,
                    java.util.List.of(CertificateInventory.CONTROLLER, CertificateInventory.AGENTS, ProductKeys.CERTIFICATES))) {
                table.row(row.node(), row.kind(), row.commonName(),
                        row.subjectAltNames().isEmpty() ? "-" : String.join(",", row.subjectAltNames()),
                        Table.time(row.notAfter()), row.daysLeft(now), row.fingerprintSha256());
            }
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "rotate",
            mixinStandardHelpOptions = true,
            description = {"Renews product certificates.",
                    "  --node NAME | --all   retire the nodes' TLS certificates: each host makes a new key and gets a new",
                    "                        certificate at its next apply, and peers' trust stores follow",
                    "  --primary             re-issue the cluster's primary certificate for the SAME key (names, validity):",
                    "                        the primary key is never replaced, data encrypted with it would become unreadable",
                    "  --apply               then roll it out: fleet apply of the same spec, one node at a time behind the",
                    "                        load balancer, each health-gated (exit 5 when that rollout fails)",
                    "Agent identity certificates renew themselves at two thirds of their life."})
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @picocli.CommandLine.Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the cluster spec (YAML)")
        String file;

        @picocli.CommandLine.Option(names = "--node", paramLabel = "NAME", description = "the node whose TLS certificate to renew")
        String node;

        @picocli.CommandLine.Option(names = "--all", description = "every API-M node's TLS certificate")
        boolean all;

        @picocli.CommandLine.Option(names = "--primary", description = "re-issue the primary certificate (same key)")
        boolean primary;

        @picocli.CommandLine.Option(names = "--apply",
                description = "then roll the new keys and certificates out at once: fleet apply of the same spec, one node at a time behind the load balancer")
        boolean apply;

        @picocli.CommandLine.Option(names = {"-y", "--yes"}, description = "with --apply: accept that a role with one running node restarts (as fleet apply --yes)")
        boolean yes;

        @Mixin
        ControllerOption controller;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            if ((node != null ? 1 : 0) + (all ? 1 : 0) + (primary ? 1 : 0) != 1) {
                throw new UserError("fleet certs rotate: give exactly one of --node NAME, --all, --primary");
            }
            ClusterSpec cluster = SpecFile.readValid(file);
            ProductKeys keys = ProductKeys.of(state.open("fleet certs rotate"), cluster);
            var out = spec.commandLine().getOut();
            if (primary) {
                var certificate = keys.reissuePrimaryCertificate();
                out.printf("primary certificate of %s re-issued for the same key: serial %s, valid until %s%n",
                        cluster.cluster(), certificate.getSerialNumber().toString(16), certificate.getNotAfter().toInstant());
            } else {
                retire(keys, cluster, out);
            }
            if (!apply) {
                return 0;
            }
            ControllerClient client = controller.client(state, "fleet certs rotate --apply");
            io.apimfleet.controller.rollout.Rollouts.Started started = ControllerOption.sendingSpec("fleet certs rotate --apply",
                    () -> client.apply(file, SpecFile.text(file), java.util.Map.of(), yes));
            return RolloutProgress.follow("fleet certs rotate --apply", client, started, out, output.json(), false);
        }

        private void retire(ProductKeys keys, ClusterSpec cluster, java.io.PrintWriter out) {
            java.util.List<String> nodes = all
                    ? cluster.nodes().stream().filter(n -> n.role().isApim()).map(n -> n.name()).toList()
                    : java.util.List.of(node);
            for (String name : nodes) {
                try {
                    boolean had = keys.retireTls(name).isPresent();
                    out.println(name + (had ? ": TLS certificate retired; a new key and certificate come with the next apply"
                            : ": no TLS certificate issued yet"));
                } catch (IllegalArgumentException e) {
                    throw new UserError("fleet certs rotate: " + e.getMessage());
                }
            }
        }
    }
}
