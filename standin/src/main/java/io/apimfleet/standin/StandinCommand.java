package io.apimfleet.standin;

import io.apimfleet.standin.config.ConfigException;
import io.apimfleet.standin.config.Durations;
import io.apimfleet.standin.config.JvmOptions;
import io.apimfleet.standin.config.NodeConfig;
import io.apimfleet.standin.home.MakeHome;
import io.apimfleet.standin.server.StandinLog;
import io.apimfleet.standin.server.StandinServer;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code apim-standin}: {@code make-home} writes an API-M home, {@code server} plays the product in
 * one (what the home's {@code bin/wso2server.sh} runs).
 */
public final class StandinCommand {
    static final String USAGE = """
            usage: apim-standin make-home [--conf-from DIR] [--stores-from HOME] [--start-delay DURATION] DIR
                   apim-standin server --home DIR [--profile P] [--port-offset N]""";

    private StandinCommand() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0 || args.length == 0 || !"server".equals(args[0])) {
            System.exit(code);
        }
        // server: keeps running on Vert.x's threads until SIGTERM.
    }

    /** Runs one command; for {@code server} returns once it is listening. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        try {
            return switch (args[0]) {
                case "make-home" -> makeHome(rest, out);
                case "server" -> server(rest, out);
                case "-h", "--help", "help" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> {
                    err.println("apim-standin: unknown command '" + args[0] + "'\n" + USAGE);
                    yield 2;
                }
            };
        } catch (UsageException e) {
            err.println("apim-standin: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
    }

    private static int makeHome(List<String> args, PrintStream out) {
        Path confFrom = null;
        Path storesFrom = null;
        String delay = null;
        Path dir = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--conf-from" -> confFrom = Path.of(value(args, ++i, "--conf-from"));
                case "--stores-from" -> storesFrom = Path.of(value(args, ++i, "--stores-from"));
                case "--start-delay" -> delay = value(args, ++i, "--start-delay");
                default -> {
                    if (args.get(i).startsWith("-") || dir != null) {
                        throw new UsageException("unexpected argument " + args.get(i));
                    }
                    dir = Path.of(args.get(i));
                }
            }
        }
        if (dir == null) {
            throw new UsageException("make-home needs the home directory to create");
        }
        try {
            MakeHome.Options options = MakeHome.Options.ofThisJvm(dir).withConfFrom(confFrom).withStoresFrom(storesFrom);
            if (delay != null) {
                options = options.withStartDelay(Durations.parse(delay, "--start-delay"));
            }
            Path home = MakeHome.make(options);
            out.println("apim-standin: made " + home + " (start delay " + Durations.format(options.startDelay())
                    + "); start it with: sh " + home.resolve("bin/wso2server.sh") + " [-Dprofile=NAME] [-DportOffset=N] [start|stop]");
            return 0;
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            System.err.println("apim-standin: make-home failed: " + e.getMessage());
            return 1;
        }
    }

    private static int server(List<String> args, PrintStream out) {
        Path home = null;
        String profile = null;
        Integer offset = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--home" -> home = Path.of(value(args, ++i, "--home")).toAbsolutePath().normalize();
                case "--profile" -> profile = value(args, ++i, "--profile");
                case "--port-offset" -> {
                    String v = value(args, ++i, "--port-offset");
                    try {
                        offset = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--port-offset is not a number: " + v);
                    }
                }
                default -> throw new UsageException("unexpected argument " + args.get(i));
            }
        }
        if (home == null) {
            throw new UsageException("server needs --home");
        }
        StandinLog log = new StandinLog(home, out);
        // As Carbon does on TERM: stop listeners, say so, exit 0 (a shutdown hook could not choose the exit code).
        // Handled from before the first listener opens, so a TERM right after "listening" is never the JVM's default exit 143.
        java.util.concurrent.atomic.AtomicReference<StandinServer> running = new java.util.concurrent.atomic.AtomicReference<>();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                try {
                    StandinServer started = running.get();
                    if (started != null) {
                        started.stop();
                    }
                } finally {
                    System.exit(0);
                }
            });
        }
        try {
            JvmOptions.check(System.getenv());
            NodeConfig config = NodeConfig.read(home, profile, offset, System.getenv());
            StandinServer server = new StandinServer(config, log);
            running.set(server);
            server.start();
        } catch (ConfigException e) {
            log.error(e.getMessage());
            StandinServer started = running.get();
            if (started != null) {
                started.stop();
            }
            return 1;
        } catch (RuntimeException e) {
            log.error("failed to start: " + e);
            return 1;
        }
        return 0;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
