package io.apimfleet.controller.cli;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.JoinTokens;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleet token create|list|revoke}: single-use join tokens for agents. */
@Command(name = "token",
        mixinStandardHelpOptions = true,
        description = "Join tokens: single use, bound to one node, short-lived, stored only as a hash.",
        subcommands = {TokenCommand.Create.class, TokenCommand.List.class, TokenCommand.Revoke.class})
final class TokenCommand extends CommandGroup {
    @Command(name = "create",
            mixinStandardHelpOptions = true,
            description = {"Makes a join token for one node and prints, once, the fleet-agent join command to run on that host.",
                    "With --count N, makes N tokens at once, for nodes NAME1 to NAMEN, and prints one join command (with -q: "
                            + "one 'NODE TOKEN' line) per node."})
    static final class Create implements Callable<Integer> {
        static final int MAX_COUNT = 100_000;

        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Option(names = "--node", required = true, paramLabel = "NAME", description = "the node (as named in the cluster spec) that may join with it")
        String node;

        @Mixin
        TtlOption ttl;

        @Option(names = {"-q", "--quiet"}, description = "print only the token (with --count: NODE TOKEN, one line each)")
        boolean quiet;

        @Option(names = "--count", paramLabel = "N", defaultValue = "1",
                description = "make N tokens, for nodes NAME1 to NAMEN (default: ${DEFAULT-VALUE}: one token, for NAME itself; at most "
                        + MAX_COUNT + ")")
        int count;

        @Override
        public Integer call() {
            Duration life = ttl.life("fleet token create");
            if (count < 1 || count > MAX_COUNT) {
                throw new UserError("fleet token create: --count must be between 1 and " + MAX_COUNT);
            }
            ControllerState opened = state.open("fleet token create");
            JoinTokens tokens = opened.tokens();
            if (count > 1) {
                return createMany(tokens, life);
            }
            JoinTokens.IssuedToken token;
            try {
                token = tokens.create(node, life);
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet token create: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (quiet) {
                out.println(token.token());
            } else {
                out.println("join token " + token.id() + " for node " + token.node() + ", single use, valid until "
                        + Table.time(token.expires()) + " (it is shown only now). On " + token.node() + " run:");
                out.println(tokens.joinCommand(token));
            }
            out.flush();
            return 0;
        }

        private int createMany(JoinTokens tokens, Duration life) {
            java.util.List<String> nodes = new java.util.ArrayList<>(count);
            for (int i = 1; i <= count; i++) {
                nodes.add(node + i);
            }
            java.util.List<JoinTokens.IssuedToken> made;
            try {
                made = tokens.createAll(nodes, life, Instant.now());
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet token create: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!quiet) {
                out.println(made.size() + " join tokens for nodes " + node + "1 to " + node + count + ", single use, valid until "
                        + Table.time(made.get(0).expires()) + " (they are shown only now). On each host run its line:");
            }
            for (JoinTokens.IssuedToken token : made) {
                out.println(quiet ? token.node() + " " + token.token() : tokens.joinCommand(token));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists join tokens (id, node, expiry, status: valid, used, expired, revoked); never their values.")
    static final class List implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Override
        public Integer call() {
            ControllerState opened = state.open("fleet token list");
            Instant now = Instant.now();
            Table table = new Table("ID", "NODE", "CREATED", "EXPIRES", "STATUS");
            for (JoinTokens.TokenInfo token : opened.tokens().list(now)) {
                table.row(token.id(), token.node(), Table.time(token.created()), Table.time(token.expires()), token.status().code());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (table.isEmpty()) {
                out.println("no join tokens (make one with: fleet token create --node NAME)");
                out.flush();
            } else {
                table.print(out);
            }
            return 0;
        }
    }

    @Command(name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revokes a join token by its id (the part before the dot), so it can no longer be used.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Parameters(paramLabel = "ID", description = "the token's id, as fleet token list shows it")
        String id;

        @Override
        public Integer call() {
            ControllerState opened = state.open("fleet token revoke");
            JoinTokens.TokenInfo before;
            try {
                before = opened.tokens().revoke(id, Instant.now());
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet token revoke: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(before.status() == JoinTokens.Status.REVOKED
                    ? "join token " + id + " (node " + before.node() + ") was already revoked"
                    : "revoked join token " + id + " (node " + before.node() + ", was " + before.status().code() + ")");
            out.flush();
            return 0;
        }
    }
}
