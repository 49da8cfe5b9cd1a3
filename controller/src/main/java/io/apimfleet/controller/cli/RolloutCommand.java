package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.rollout.RolloutRecord;
import io.apimfleet.controller.rollout.Rollouts;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleet rollout status|pause|resume|abort|undo|history}: the controller's rollouts (each one spec revision). */
@Command(name = "rollout",
        mixinStandardHelpOptions = true,
        description = "Rollouts: the running one, holding, resuming or stopping it, taking the last one back, and every one before.",
        subcommands = {RolloutCommand.Status.class, RolloutCommand.Pause.class, RolloutCommand.Resume.class, RolloutCommand.Abort.class,
                RolloutCommand.Undo.class, RolloutCommand.History.class})
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

    /** What abort and pause share: a word to the running rollout, which says what it will do. */
    abstract static class ToTheRunningRollout implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Mixin
        ControllerOption controller;

        abstract String command();

        abstract Optional<RolloutRecord> send(ControllerClient client);

        abstract String said(RolloutRecord rollout);

        @Override
        public Integer call() {
            ControllerClient client = controller.client(state, command());
            RolloutRecord rollout = ControllerOption.calling(command(), () -> send(client))
                    .orElseThrow(() -> new UserError(command() + ": no rollout is running"));
            spec.commandLine().getOut().println(said(rollout));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Stops the running rollout at its next step: nodes finish the step they are in; nothing is rolled back by the abort.")
    static final class Abort extends ToTheRunningRollout {
        @Override
        String command() {
            return "fleet rollout abort";
        }

        @Override
        Optional<RolloutRecord> send(ControllerClient client) {
            return client.abortRollout();
        }

        @Override
        String said(RolloutRecord rollout) {
            return "rollout " + rollout.id() + " is stopping; fleet rollout status shows where it ended";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Holds the running rollout before its next batch of nodes (nodes mid-step finish it first); fleet rollout resume goes on.")
    static final class Pause extends ToTheRunningRollout {
        @Override
        String command() {
            return "fleet rollout pause";
        }

        @Override
        Optional<RolloutRecord> send(ControllerClient client) {
            return client.pauseRollout();
        }

        @Override
        String said(RolloutRecord rollout) {
            return "rollout " + rollout.id() + " holds before its next batch of nodes; fleet rollout status shows when it does";
        }
    }

    /** What resume and undo share: a rollout started on the controller, followed here like fleet apply. */
    abstract static class Following implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Mixin
        ControllerOption controller;

        @Mixin
        OutputOption output;

        @picocli.CommandLine.Option(names = "--detach", description = "start it and return; follow it with fleet rollout status")
        boolean detach;

        abstract String command();

        abstract Rollouts.Started start(ControllerClient client);

        @Override
        public Integer call() {
            ControllerClient client = controller.client(state, command());
            Rollouts.Started started = ControllerOption.sendingSpec(command(), () -> start(client));
            return RolloutProgress.follow(command(), client, started, spec.commandLine().getOut(), output.json(), detach);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Resumes the paused rollout; with none, applies the spec of the last rollout again when it was aborted",
                    "(or its controller stopped while it ran): nodes it already did are unchanged and skipped.",
                    "Exit status 5 when it fails, or when there is nothing to resume."})
    static final class Resume extends Following {
        @Override
        String command() {
            return "fleet rollout resume";
        }

        @Override
        Rollouts.Started start(ControllerClient client) {
            return client.resumeRollout();
        }
    }

    @Command(name = "undo", mixinStandardHelpOptions = true,
            description = {"Takes the last rollout back: every node it left changed is rolled back on its host to the files it had before,",
                    "byte for byte, and restarted, phase by phase, drained and health-gated like an apply. The spec before it is",
                    "current again. Exit status 5 when it fails, or when there is nothing to undo."})
    static final class Undo extends Following {
        @Override
        String command() {
            return "fleet rollout undo";
        }

        @Override
        Rollouts.Started start(ControllerClient client) {
            return client.undoRollout();
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
