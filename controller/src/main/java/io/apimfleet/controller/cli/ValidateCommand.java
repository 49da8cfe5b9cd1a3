package io.apimfleet.controller.cli;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Role;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet validate -f FILE}: checks a spec offline; exit 0 when valid, 2 with every problem. */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        description = "Checks a cluster spec and prints every problem as FILE:LINE:COL: message.")
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the cluster spec (YAML)")
    String file;

    @Override
    public Integer call() {
        ClusterSpec cluster = SpecFile.readValid(file);
        spec.commandLine().getOut().println(file + ": valid: " + summary(cluster));
        return 0;
    }

    /** "cluster prod-apim, 8 nodes (2 key-manager, 2 publisher, ...)". */
    static String summary(ClusterSpec cluster) {
        List<String> counts = Arrays.stream(Role.values())
                .filter(role -> !cluster.nodesWithRole(role).isEmpty())
                .map(role -> cluster.nodesWithRole(role).size() + " " + role)
                .toList();
        int nodes = cluster.nodes().size();
        return "cluster " + cluster.cluster() + ", " + nodes + (nodes == 1 ? " node" : " nodes")
                + " (" + String.join(", ", counts) + ")";
    }
}
