package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.rollout.RolloutRecord;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleet rollout status|abort|history}: the controller's rollouts (each one spec revision). */
@Command(name = "rollout",
        mixinStandardHelpOptions = true,
        description = "Rollouts: the running one, stopping it, and every one before.",
        subcommands = {RolloutCommand.Status.class, RolloutCommand.Abort.class, RolloutCommand.History.class})
final class RolloutCommand extends CommandGroup {
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"The running rollout, else the last one: state, each node's step, the reason it ended.",
                    "Exit status 5 when the rollout shown failed or was aborted."})
    static final class Status implements Callable<Integer> {
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
            ControllerClient client = controller.client(state, "fleet rollout status");
            Optional<RolloutRecord> shown = ControllerOption.calling("fleet rollout status", client::currentRollout)
                    .or(() -> ControllerOption.calling("fleet rollout status", client::rollouts).stream().reduce((a, b) -> b));
            PrintWriter out = spec.commandLine().getOut();
            if (shown.isEmpty()) {
                out.println("no rollout yet: fleet apply -f cluster.yaml starts one");
                out.flush();
                return 0;
            }
            RolloutRecord r = shown.get();
            if (output.json()) {
                OutputOption.printJson(out, r);
            } else {
                out.println("rollout " + r.id() + " of cluster " + r.cluster() + " (" + r.source() + "): " + r.state()
                        + ", started " + Table.time(r.startedAt()) + (r.finishedAt() == null ? "" : ", took " + seconds(r) + " s"));
                out.println("phases: " + RolloutProgress.phases(r.phases()));
                Table table = new Table("NODE", "STEP");
                r.steps().forEach(table::row);
                table.print(out);
                if (!r.changed().isEmpty()) {
                    out.println("changed: " + String.join(", ", r.changed()));
                }
                if (!r.rolledBack().isEmpty()) {
                    out.println("rolled back: " + String.join(", ", r.rolledBack()));
                }
                if (r.reason() != null) {
                    out.println((RolloutRecord.SUCCEEDED.equals(r.state()) ? "" : "reason: ") + r.reason());
                }
                out.flush();
            }
            return RolloutRecord.FAILED.equals(r.state()) || RolloutRecord.ABORTED.equals(r.state()) ? FleetCommand.EXIT_ROLLOUT_FAILED : 0;
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Stops the running rollout at its next step: nodes finish the step they are in; nothing is rolled back by the abort.")
    static final class Abort implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Mixin
        ControllerOption controller;

        @Override
        public Integer call() {
            ControllerClient client = controller.client(state, "fleet rollout abort");
            Optional<RolloutRecord> aborted = ControllerOption.calling("fleet rollout abort", client::abortRollout);
            if (aborted.isEmpty()) {
                throw new UserError("fleet rollout abort: no rollout is running");
            }
            spec.commandLine().getOut().println("rollout " + aborted.get().id() + " is stopping; fleet rollout status shows where it ended");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Every rollout, oldest first.")
    static final class History implements Callable<Integer> {
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
            ControllerClient client = controller.client(state, "fleet rollout history");
            java.util.List<RolloutRecord> all = ControllerOption.calling("fleet rollout history", client::rollouts);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                OutputOption.printJson(out, all);
                return 0;
            }
            Table table = new Table("ROLLOUT", "CLUSTER", "STATE", "STARTED", "SECONDS", "CHANGED", "ROLLED BACK", "REASON");
            all.forEach(r -> table.row(r.id(), r.cluster(), r.state(), Table.time(r.startedAt()), r.finishedAt() == null ? null : seconds(r),
                    String.join(",", r.changed()), String.join(",", r.rolledBack()), r.reason()));
            table.print(out);
            return 0;
        }
    }

    static double seconds(RolloutRecord r) {
        return Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0;
    }
}
