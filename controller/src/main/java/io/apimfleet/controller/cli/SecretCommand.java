package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.secret.SecretStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleet secret set|list|rm}: the values of the spec's {@code ${secret:NAME}} references, kept sealed by the controller. */
@Command(name = "secret",
        mixinStandardHelpOptions = true,
        description = "Secrets the spec references as $${secret:NAME}: stored sealed in the controller's state, sent only to agents.",
        subcommands = {SecretCommand.Set.class, SecretCommand.List.class, SecretCommand.Remove.class})
final class SecretCommand extends CommandGroup {
    /** A value longer than this on standard input is refused (a secret, not a file). */
    static final int MAX_VALUE_BYTES = 16 * 1024;


    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Stores a secret; its value is asked for without echo on a terminal, else read from standard input",
                    "(one trailing newline is dropped), never taken from the command line. At least " + SecretStore.MIN_LENGTH + " characters.",
                    "Example: printf %%s \"$PW\" | fleet secret set admin-password"})
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Mixin
        ControllerOption controller;

        @Parameters(index = "0", paramLabel = "NAME", description = "the name the spec uses in $${secret:NAME}")
        String name;

        @Override
        public Integer call() {
            java.io.Console console = System.console();
            String value = console != null ? typed(console) : readValue(System.in);
            try {
                SecretStore.checkValue(name, value);
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet secret set: " + e.getMessage() + "; nothing was stored");
            }
            ControllerClient client = controller.client(state, "fleet secret set");
            ControllerOption.calling("fleet secret set", () -> {
                client.putSecret(name, value);
                return null;
            });
            spec.commandLine().getOut().println("secret " + name + " stored");
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** On a terminal: asked for without echo, twice. */
        private String typed(java.io.Console console) {
            char[] first = console.readPassword("value of %s: ", name);
            char[] again = console.readPassword("again: ");
            if (first == null || again == null || !java.util.Arrays.equals(first, again)) {
                throw new UserError("fleet secret set: the two values differ (or input ended); nothing was stored");
            }
            if (first.length == 0) {
                throw new UserError("fleet secret set: the value is empty; nothing was stored");
            }
            return new String(first);
        }

        static String readValue(InputStream in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            try {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    buffer.write(chunk, 0, n);
                    if (buffer.size() > MAX_VALUE_BYTES) {
                        throw new UserError("fleet secret set: the value on standard input is longer than " + MAX_VALUE_BYTES + " bytes");
                    }
                }
            } catch (IOException e) {
                throw new UserError("fleet secret set: cannot read standard input: " + e.getMessage());
            }
            String value = buffer.toString(StandardCharsets.UTF_8);
            value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            if (value.isEmpty()) {
                throw new UserError("fleet secret set: standard input is empty; pipe the value in, e.g. printf %s \"$VALUE\" | fleet secret set NAME");
            }
            return value;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the stored secrets' names and when each was set (never a value).")
    static final class List implements Callable<Integer> {
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
            ControllerClient client = controller.client(state, "fleet secret list");
            java.util.List<SecretStore.Entry> entries = ControllerOption.calling("fleet secret list", client::secrets);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                OutputOption.printJson(out, entries);
                return 0;
            }
            Table table = new Table("NAME", "SET");
            entries.forEach(e -> table.row(e.name(), Table.time(e.updatedAt())));
            table.print(out);
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Removes a stored secret (a spec that still references it can no longer be applied).")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Mixin
        ControllerOption controller;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            ControllerClient client = controller.client(state, "fleet secret rm");
            if (!ControllerOption.calling("fleet secret rm", () -> client.removeSecret(name))) {
                throw new UserError("fleet secret rm: there is no secret named " + name);
            }
            spec.commandLine().getOut().println("secret " + name + " removed");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
