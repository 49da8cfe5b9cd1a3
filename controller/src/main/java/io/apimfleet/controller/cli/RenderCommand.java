package io.apimfleet.controller.cli;

import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.BundleException;
import io.apimfleet.protocol.bundle.RollbackResult;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.stage.AppliedRevision;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.ControllerStateException;
import io.apimfleet.controller.recipe.RecipeException;
import io.apimfleet.controller.recipe.TrustMaterial;
import io.apimfleet.controller.trust.HostTrust;
import io.apimfleet.controller.trust.ProductKeys;
import io.apimfleet.controller.recipe.Recipes;
import io.apimfleet.controller.spec.ClusterSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code fleet render}: applies nodes' bundles to local copies of {@code <API-M_HOME>} (or shows
 * the diff), with no agent: the distributed-deployment guide, done offline, reviewable.
 */
@Command(name = "render",
        mixinStandardHelpOptions = true,
        description = {"Applies a node's configuration to a copy of <API-M_HOME>, or prints the diff.",
                "  fleet render -f cluster.yaml --node km1 --home DIR [--dry-run]",
                "  fleet render -f cluster.yaml --all --homes DIR      (one prepared copy per node: DIR/<node>)",
                "  fleet render --rollback --home DIR                  (back to the previous revision)"})
final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "the cluster spec (YAML)")
    String file;

    @Option(names = "--node", paramLabel = "NAME", description = "the node to render")
    String node;

    @Option(names = "--home", paramLabel = "DIR", description = "the copy of <API-M_HOME> to change")
    Path home;

    @Option(names = "--all", description = "render every API-M node, into --homes DIR/<node>")
    boolean all;

    @Option(names = "--homes", paramLabel = "DIR", description = "with --all: the folder holding one home per node")
    Path homes;

    @Option(names = "--state", paramLabel = "DIR",
            description = "where revisions and backups go (default: beside each home, <home>.fleet-state; with --all, DIR/<node>)")
    Path state;

    @Option(names = "--dry-run", description = "print the unified diff (secrets as (secret)); change nothing")
    boolean dryRun;

    @Option(names = "--secrets", paramLabel = "FILE",
            description = "name=value lines for $${secret:NAME}; FLEET_SECRET_<NAME> variables also work")
    Path secrets;

    @Option(names = "--rollback", description = "return --home to its previous revision, byte for byte")
    boolean rollback;

    @Option(names = "--force", description = "with --rollback: even over files changed since")
    boolean force;

    @Option(names = "--controller-state", paramLabel = "DIR",
            description = {"also replace the keystores: the controller's product CA (from `fleet init`) signs each node's TLS key,",
                    "made here beside the home as its host would make it, and the cluster's primary key goes in"})
    Path controllerState;

    @Override
    public Integer call() {
        try {
            if (rollback) {
                return rollback();
            }
            ClusterSpec cluster = SpecFile.readValid(required(file, "-f FILE"));
            if (all == (node != null)) {
                throw new UserError("fleet render: give either --node NAME with --home DIR, or --all with --homes DIR");
            }
            List<String> nodes = all
                    ? cluster.nodes().stream().filter(n -> n.role().isApim()).map(n -> n.name()).toList()
                    : List.of(node);
            Map<String, Path> targets = new LinkedHashMap<>();
            nodes.forEach(n -> targets.put(n, all ? required(homes, "--homes DIR").resolve(n) : required(home, "--home DIR")));
            HostTrust trust = controllerState == null ? null : new HostTrust(ProductKeys.of(ControllerState.open(controllerState), cluster));
            if (trust != null) {
                targets.forEach((n, target) -> trust.ensureTlsCertificate(n, hostSecrets(nodeState(n, target))));   // every peer first
            }
            List<Recipes.NodeBundle> bundles = nodes.stream().map(n -> Recipes.bundle(cluster, n, 1, Recipes.DriverJars.fromDisk(),
                    trust == null ? null : trust.keys().material(n))).toList();
            bundles.stream().flatMap(b -> b.warnings().stream()).distinct()
                    .forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            for (Recipes.NodeBundle bundle : bundles) {
                render(bundle, targets.get(bundle.bundle().node()), trust);
            }
            return 0;
        } catch (BundleException | RecipeException | UncheckedIOException | ControllerStateException | IllegalArgumentException e) {
            throw new UserError("fleet render: " + e.getMessage());
        }
    }

    private void render(Recipes.NodeBundle bundle, Path target, HostTrust trust) {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(target)) {
            throw new UserError("fleet render: " + target + " is not a directory; prepare a copy of <API-M_HOME> there first");
        }
        Path applierState = nodeState(bundle.bundle().node(), target);
        Secrets extra = trust == null ? Secrets.none() : Secrets.of(Map.of(TrustMaterial.PRIMARY_KEY_SECRET, trust.keys().primaryKeyPem()));
        BundleApplier applier = applier(target, applierState, extra);
        Bundle numbered = nextRevision(bundle.bundle(), applier);
        ApplyResult result = dryRun ? applier.plan(numbered) : applier.apply(numbered);
        out.println("== " + bundle.bundle().node() + " -> " + target);
        if (dryRun) {
            out.print(result.diff());
        }
        out.print(result.report());
        if (bundle.bundle().process() != null) {
            out.println("start: " + String.join(" ", bundle.bundle().process().command())
                    + "  (" + bundle.bundle().process().environment().entrySet().stream()
                    .filter(e -> !e.getKey().equals("JAVA_HOME") || e.getValue() != null)
                    .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("") + ")");
        }
        out.flush();
    }

    /** The home's next revision: one more than the last applied (a no-change render records none). */
    private static Bundle nextRevision(Bundle bundle, BundleApplier applier) {
        long last = applier.history().stream().mapToLong(AppliedRevision::revision).max().orElse(0);
        return new Bundle(bundle.node(), last + 1, bundle.operations(), bundle.process());
    }

    private int rollback() {
        Path target = required(home, "--home DIR");
        RollbackResult r = applier(target, stateOf(target), Secrets.none()).rollback(force);
        spec.commandLine().getOut().printf("rolled back %s revision %d (%d paths restored); now at revision %d%n",
                r.node(), r.undoneRevision(), r.restored().size(), r.currentRevision());
        return 0;
    }

    private BundleApplier applier(Path target, Path stateDir, Secrets extra) {
        Secrets fromEnv = Secrets.fromEnvironment(System.getenv());
        Secrets user = secrets == null ? fromEnv : Secrets.fromFile(secrets).orElse(fromEnv);
        return new BundleApplier(target, stateDir, extra.orElse(user).withHost(hostSecrets(stateDir)));
    }

    /** Render plays the host: its secrets (store passwords, its TLS key) live in its state, beside the home, never inside. */
    private static HostSecrets hostSecrets(Path stateDir) {
        return new HostSecrets(stateDir.resolve("host-secrets.json"));
    }

    /** A node's state: with {@code --all} and {@code --state}, a folder per node in it (each host keeps its own secrets). */
    private Path nodeState(String node, Path target) {
        return all && state != null ? state.resolve(node) : stateOf(target);
    }

    /** The state beside a home (never inside it): {@code --state}, else {@code <home>.fleet-state}. */
    private Path stateOf(Path target) {
        if (state != null) {
            return state;
        }
        Path absolute = target.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".fleet-state");
    }

    private static <T> T required(T value, String option) {
        if (value == null) {
            throw new UserError("fleet render: " + option + " is required");
        }
        return value;
    }
}
