package io.apimfleet.controller.cli;

import picocli.CommandLine;

import java.util.List;

/**
 * The CLI reference ({@code docs/cli.md}) made from the commands themselves: every command and
 * subcommand's own help, as {@code --help} prints it, so the reference cannot drift from the code.
 */
public final class CliReference {
    private static final int WIDTH = 110;

    private CliReference() {
    }

    /** Markdown: one section per command, depth first, each with its usage text. */
    public static String markdown(List<CommandLine> commands) {
        StringBuilder out = new StringBuilder("""
                # CLI reference

                Generated from the commands' own definitions (`CliReferenceTest` fails when this file differs from
                them; `mvn -pl e2e verify -Dtest=CliReferenceTest -Dfleet.docs.update=true` writes it again).
                Every command also prints its part with `--help`.
                """);
        commands.forEach(command -> section(out, command));
        return out.toString();
    }

    private static void section(StringBuilder out, CommandLine command) {
        command.getCommandSpec().usageMessage().width(WIDTH);
        String name = command.getCommandSpec().qualifiedName(" ");
        out.append("\n## `").append(name).append("`\n\n```\n").append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing())
                .append("\n```\n");
        command.getSubcommands().values().stream().distinct().forEach(sub -> section(out, sub));
    }
}
