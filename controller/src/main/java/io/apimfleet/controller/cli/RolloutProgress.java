package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.client.ControllerUnreachable;
import io.apimfleet.controller.rollout.Phase;
import io.apimfleet.controller.rollout.RolloutRecord;
import io.apimfleet.controller.rollout.Rollouts;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.FleetEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints one rollout's events as they arrive: a line per phase and per node step, with the time
 * since the rollout started; on a terminal a node's next step replaces its previous line when
 * nothing was printed in between (plain lines otherwise); with {@code --output json}, the events
 * themselves (NDJSON). Ends the stream by throwing {@link Finished} at {@code rollout.finished}.
 */
final class RolloutProgress {
    /** The rollout reached its terminal state. */
    static final class Finished extends RuntimeException {
        private final boolean succeeded;

        Finished(boolean succeeded) {
            super(null, null, false, false);
            this.succeeded = succeeded;
        }

        boolean succeeded() {
            return succeeded;
        }
    }

    private final PrintWriter out;
    private final long rollout;
    private final boolean json;
    private final boolean inPlace;
    private Instant startedAt;
    private String lastLineNode;

    RolloutProgress(PrintWriter out, long rollout, boolean json) {
        this(out, rollout, json, !json && System.console() != null);
    }

    RolloutProgress(PrintWriter out, long rollout, boolean json, boolean inPlace) {
        this.out = out;
        this.rollout = rollout;
        this.json = json;
        this.inPlace = inPlace;
    }

    /**
     * What {@code fleet apply}, {@code rollout resume} and {@code rollout undo} do once their
     * rollout started: say so, then (unless {@code detach}) print its events until it ends; the exit status.
     */
    static int follow(String command, ControllerClient client, Rollouts.Started started, PrintWriter out, boolean json, boolean detach) {
        RolloutRecord rollout = started.rollout();
        if (!json) {
            out.println("rollout " + rollout.id() + " of cluster " + rollout.cluster() + " " + (rollout.running() && rollout.steps().isEmpty() ? "started" : "resumed")
                    + " (" + phases(rollout.phases()) + ")" + (rollout.undoes() != null ? ", undoing rollout " + rollout.undoes() : ""));
            out.flush();
        }
        if (detach) {
            return 0;
        }
        try {
            client.events(started.since(), true, new RolloutProgress(out, rollout.id(), json)::accept);
        } catch (Finished finished) {
            return finished.succeeded() ? 0 : FleetCommand.EXIT_ROLLOUT_FAILED;
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": lost the controller while following rollout "
                    + rollout.id() + " (" + e.getMessage() + "); once it is back: fleet rollout status");
        }
        throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": the controller closed the event stream before rollout "
                + rollout.id() + " ended; see fleet rollout status");
    }

    static String phases(List<Phase> phases) {
        return phases.stream().map(p -> p.name() + " [" + String.join(", ", p.nodes()) + "]").collect(Collectors.joining(" -> "));
    }

    void accept(String line) {
        FleetEvent event;
        try {
            event = Json.mapper().readValue(line, FleetEvent.class);
        } catch (IOException e) {
            return;
        }
        Object id = event.fields().get("rollout");
        if (!(id instanceof Number n) || n.longValue() != rollout) {
            return;
        }
        if (startedAt == null) {
            startedAt = event.time();
        }
        if (json) {
            out.println(line);
        } else {
            String text = describe(event);
            if (text != null) {
                double at = Duration.between(startedAt, event.time()).toMillis() / 1000.0;
                String node = FleetEvent.ROLLOUT_NODE.equals(event.type()) && !text.contains("\n") ? String.valueOf(event.fields().get("node")) : null;
                if (inPlace && node != null && node.equals(lastLineNode)) {
                    out.print("\033[1A\r\033[2K");   // up one line, clear it: the node's previous step
                }
                out.printf("[%6.1fs] %s%n", at, text);
                lastLineNode = node;
            }
        }
        out.flush();
        if (FleetEvent.ROLLOUT_FINISHED.equals(event.type())) {
            throw new Finished("succeeded".equals(event.fields().get("state")));
        }
    }

    private String describe(FleetEvent event) {
        Map<String, Object> f = event.fields();
        return switch (event.type()) {
            case FleetEvent.ROLLOUT_PHASE -> "phase " + f.get("phase") + ": " + f.get("state")
                    + (f.containsKey("seconds") ? " in " + f.get("seconds") + " s" : f.containsKey("nodes") ? " " + f.get("nodes") : "");
            case FleetEvent.ROLLOUT_NODE -> node(f);
            case "rollout.warning" -> "warning: " + f.get("message");
            case "rollout.paused" -> "paused before " + f.get("before") + ": fleet rollout resume goes on, fleet rollout abort ends it";
            case "rollout.resumed" -> "resumed with " + f.get("next");
            case "rollout.rendered" -> "rendered " + strings(f.get("nodes")).size() + " bundles, certificates checked, in " + f.get("seconds") + " s";
            case FleetEvent.ROLLOUT_FINISHED -> "rollout " + rollout + " " + f.get("state") + " in " + f.get("seconds") + " s"
                    + (f.get("changed") instanceof List<?> c && !c.isEmpty() ? "; changed " + c : "")
                    + (f.get("rolledBack") instanceof List<?> r && !r.isEmpty() ? "; rolled back " + r : "")
                    + (f.get("reason") != null ? ": " + f.get("reason") : "");
            default -> null;
        };
    }

    private static String node(Map<String, Object> f) {
        String step = String.valueOf(f.get("step"));
        String text = f.get("node") + ": " + switch (step) {
            case "waiting" -> "waiting for probes " + String.join(", ", strings(f.get("probes")));
            case "healthy" -> "healthy after " + f.get("seconds") + " s";
            case "unchanged" -> "unchanged and healthy";
            case "failed" -> "FAILED: " + f.get("reason");
            case "rolled-back" -> "rolled back (" + f.get("product") + ")";
            case "undoing" -> "rolling back revision " + f.get("revision");
            case "stopped" -> "stopped (" + f.get("reason") + ")";
            default -> step;
        };
        if ("failed".equals(step) && f.get("lastLines") instanceof List<?> lines && !lines.isEmpty()) {
            text += "\n           last product log lines:\n" + lines.stream().map(l -> "             | " + l).collect(Collectors.joining("\n"));
        }
        return text;
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}
