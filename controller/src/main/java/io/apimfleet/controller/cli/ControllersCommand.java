package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.ControllerMember;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleet controllers}: the controllers as the one asked sees them, which one leads, and its epoch. */
@Command(name = "controllers",
        mixinStandardHelpOptions = true,
        description = {"The controllers, which one leads, and the epoch it stamps on every command to agents.",
                "As the controller asked sees them: name (its cluster-bind address), cluster address, API address, role,",
                "the newest shared rollout write it has in its state directory (ROLLOUT-INDEX) and how many of the leader's",
                "it does not have yet (BEHIND); - when unknown.",
                "A lone controller (no --cluster) lists itself as leader. A follower refuses leader-only work (apply, plan,",
                "rollouts, node commands) with HTTP 409 naming the leader's API; the CLI exits 5."})
final class ControllersCommand implements Callable<Integer> {
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
        ControllerClient client = controller.client(state, "fleet controllers");
        ClusterView view = ControllerOption.calling("fleet controllers", client::controllers);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, view);
            return 0;
        }
        Table table = new Table("NAME", "CLUSTER-ADDRESS", "API", "ROLE", "EPOCH", "ROLLOUT-INDEX", "BEHIND", "ASKED");
        for (ControllerMember member : view.members()) {
            String name = member.address() == null ? "(lone)" : member.address().substring(0, member.address().lastIndexOf(':'));
            table.row(name, member.address(), member.api(), member.leader() ? "leader" : "follower",
                    member.leader() ? member.epoch() : null, member.rolloutIndex(), member.behind(), member.local() ? "yes" : null);
        }
        table.print(out);
        out.println(view.leader().map(l -> "leader " + (l.address() == null ? l.api() : l.address()) + ", epoch " + view.epoch())
                .orElse("no controller leads yet (a cluster elects one once three controllers are up)"));
        out.flush();
        return 0;
    }
}
