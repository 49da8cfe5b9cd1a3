package io.apimfleet.controller.cli;

import io.apimfleet.controller.daemon.ControllerDaemon;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.spec.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet controller run}: the controller daemon in the foreground. */
@Command(name = "controller",
        mixinStandardHelpOptions = true,
        description = "The controller daemon.",
        subcommands = {ControllerCommand.Run.class})
final class ControllerCommand extends CommandGroup {
    @Command(name = "run",
            mixinStandardHelpOptions = true,
            description = {"Runs the controller until SIGTERM or Ctrl-C: the HTTPS API (enrollment, the fleet CLI) and the",
                    "agents' event-bus bridge (mutual TLS), on every --bind address. Everything it keeps is in --state."})
    static final class Run implements Callable<Integer> {
        /** Stops the daemon a test started in-process (a signal does that for real). */
        static final AtomicReference<Runnable> STOP_FOR_TESTS = new AtomicReference<>();

        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Option(names = "--bind", paramLabel = "ADDR", split = ",", defaultValue = "127.0.0.1",
                description = "address to listen on, repeatable (default: ${DEFAULT-VALUE}); 0.0.0.0 for every interface")
        List<String> bind;

        @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "7443", description = "HTTPS API port (default: ${DEFAULT-VALUE})")
        int apiPort;

        @Option(names = "--bridge-port", paramLabel = "PORT", defaultValue = "7444", description = "agents' bridge port (default: ${DEFAULT-VALUE})")
        int bridgePort;

        @Option(names = "--heartbeat-timeout", paramLabel = "DURATION", defaultValue = "15s",
                description = "silence after which an agent counts as lost (default: ${DEFAULT-VALUE}; agents beat every 5s)")
        String heartbeatTimeout;

        @Override
        public Integer call() throws InterruptedException {
            ControllerState opened = state.open("fleet controller run");
            Duration timeout = Durations.parse(heartbeatTimeout).filter(d -> !d.isZero() && !d.isNegative()).orElseThrow(() ->
                    new UserError("fleet controller run: --heartbeat-timeout '" + heartbeatTimeout + "' is not a duration like 15s or 1m"));
            ControllerDaemon.Options options;
            try {
                options = ControllerDaemon.Options.defaults().withBind(bind).withPorts(apiPort, bridgePort).withHeartbeatTimeout(timeout);
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet controller run: " + e.getMessage());
            }
            ControllerDaemon daemon;
            try {
                daemon = ControllerDaemon.start(opened, options);
            } catch (IllegalStateException e) {
                throw new UserError(1, "fleet controller run: " + e.getMessage());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runnable stop = () -> {
                daemon.close(Duration.ofSeconds(10));
                stopped.countDown();
            };
            Thread hook = new Thread(stop, "fleet-controller-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            STOP_FOR_TESTS.set(stop);

            PrintWriter out = spec.commandLine().getOut();
            out.println("fleet controller: state " + opened.dir() + ", fleet " + opened.fleetId());
            daemon.listenerLines().forEach(line -> out.println("fleet controller: " + line));
            out.println("fleet controller: agents pin the fleet CA with --ca-hash " + daemon.caHash());
            out.println("fleet controller: running; stop with Ctrl-C or SIGTERM");
            out.flush();
            stopped.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped us
            }
            out.println("fleet controller: stopped");
            out.flush();
            return 0;
        }
    }
}
