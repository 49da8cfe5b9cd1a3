package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.FleetEvent;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet events}: the controller's journal, resumable by index, optionally followed live. */
@Command(name = "events",
        mixinStandardHelpOptions = true,
        description = {"The controller's journal: one event per line, numbered. --since N resumes after event N;",
                "--follow keeps printing new events until interrupted. --output json prints the NDJSON as served."})
final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StateOption state;

    @Mixin
    ControllerOption controller;

    @Mixin
    OutputOption output;

    @Option(names = "--since", paramLabel = "INDEX", defaultValue = "0", description = "only events after this index (default: ${DEFAULT-VALUE}: all)")
    long since;

    @Option(names = {"-F", "--follow"}, description = "keep the stream open and print new events as they happen")
    boolean follow;

    @Option(names = "--heartbeats", description = "with --follow: also every agent's heartbeat as it arrives (not journaled: index 0, printed as -)")
    boolean heartbeats;

    @Override
    public Integer call() {
        if (since < 0) {
            throw new UserError("fleet events: --since must be 0 or more, not " + since);
        }
        if (heartbeats && !follow) {
            throw new UserError("fleet events: --heartbeats goes with --follow (heartbeats are live only, never journaled)");
        }
        ControllerClient client = controller.client(state, "fleet events");
        PrintWriter out = spec.commandLine().getOut();
        ControllerOption.calling("fleet events", () -> {
            client.events(since, follow, heartbeats, line -> {
                out.println(output.json() ? line : human(line));
                out.flush();
            });
            return null;
        });
        return 0;
    }

    /** {@code 12  2026-01-02T03:04:05Z  agent.connected  km1  host=km1.example}. */
    static String human(String line) {
        FleetEvent event;
        try {
            event = Json.mapper().readValue(line, FleetEvent.class);
        } catch (java.io.IOException e) {
            return line;
        }
        String fields = event.fields().entrySet().stream()
                .filter(e -> !e.getKey().equals("node"))
                .sorted(Map.Entry.comparingByKey())
                .map(EventsCommand::field)
                .collect(Collectors.joining(" "));
        return String.format("%-5s %s  %-18s %-10s %s", event.index() == 0 ? "-" : Long.toString(event.index()), Table.time(event.time()), event.type(),
                event.node() == null ? "-" : event.node(), fields).stripTrailing();
    }

    private static String field(Map.Entry<String, Object> entry) {
        Object value = entry.getValue();
        String text;
        if (value instanceof String s) {
            text = s.contains(" ") ? "\"" + s + "\"" : s;
        } else {
            try {
                text = Json.mapper().writeValueAsString(value);
            } catch (java.io.IOException e) {
                text = String.valueOf(value);
            }
        }
        return entry.getKey() + "=" + text;
    }
}
