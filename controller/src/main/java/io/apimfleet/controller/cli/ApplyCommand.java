package io.apimfleet.controller.cli;

import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.rollout.Rollouts;
import io.apimfleet.controller.secret.SecretStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet apply -f cluster.yaml}: the spec is checked here, sent to the controller, and
 * rolled out there phase by phase; this command follows the rollout's events until it ends. An
 * interrupted CLI leaves the rollout running on the controller ({@code fleet rollout status}).
 */
@Command(name = "apply",
        mixinStandardHelpOptions = true,
        description = {"Rolls the spec out: every node's bundle (certificates included) applied in start order, each phase",
                "started only when the one before is healthy; a node that fails is rolled back and the rollout halts.",
                "A rollout that would restart a role's only running node is refused unless --yes accepts the outage.",
                "Exit status 5 when the rollout failed, was aborted or was refused."})
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Mixin
    ControllerOption controller;

    @Mixin
    OutputOption output;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the cluster spec (YAML)")
    String file;

    @Option(names = "--secrets", paramLabel = "FILE",
            description = "name=value lines stored in the controller's secret store (sealed) before the rollout; each value at least "
                    + SecretStore.MIN_LENGTH + " characters")
    Path secretsFile;

    @Option(names = "--detach", description = "start the rollout and return; follow it with fleet rollout status or fleet events --follow")
    boolean detach;

    @Option(names = {"-y", "--yes"},
            description = "accept that a role with one running node is unavailable while it restarts (without it, such a rollout is refused and nothing changes)")
    boolean yes;

    @Override
    public Integer call() {
        SpecFile.readValid(file);
        Map<String, String> secrets;
        try {
            secrets = secretsFile == null ? Map.of() : Secrets.readFile(secretsFile);
        } catch (BundleException e) {
            throw new UserError("fleet apply: " + e.getMessage());
        }
        try {
            secrets.forEach(SecretStore::checkValue);
        } catch (IllegalArgumentException e) {
            throw new UserError("fleet apply: " + secretsFile + ": " + e.getMessage() + "; nothing was sent");
        }
        ControllerClient client = controller.client(state, "fleet apply");
        Rollouts.Started started = ControllerOption.sendingSpec("fleet apply", () -> client.apply(file, SpecFile.text(file), secrets, yes));
        return RolloutProgress.follow("fleet apply", client, started, spec.commandLine().getOut(), output.json(), detach);
    }
}
