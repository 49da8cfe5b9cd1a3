package io.apimfleet.controller.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** One {@code fleet} invocation in-process, with what it printed. */
record FleetRun(int exitCode, String out, String err) {

    static FleetRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine fleet = FleetCommand.commandLine();
        fleet.setOut(new PrintWriter(out, true));
        fleet.setErr(new PrintWriter(err, true));
        int exitCode = fleet.execute(args);
        return new FleetRun(exitCode, out.toString(), err.toString());
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    List<String> outLines() {
        return out.lines().toList();
    }
}
