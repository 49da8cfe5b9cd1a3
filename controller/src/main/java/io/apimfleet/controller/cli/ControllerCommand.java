package io.apimfleet.controller.cli;

import io.apimfleet.controller.cluster.ClusterOptions;
import io.apimfleet.controller.cluster.PeerIdentity;
import io.apimfleet.controller.daemon.ControllerDaemon;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.spec.Durations;
import io.apimfleet.protocol.link.Heartbeat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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
                    "agents' event-bus bridge (mutual TLS), on every --bind address. Everything it keeps is in --state.",
                    "With --cluster it is one of three controllers (Hazelcast on --cluster-bind:--cluster-port, the event bus",
                    "between controllers on the next port, mutual TLS from the controller-peer CA): only the leader acts;",
                    "the others answer leader-only requests with 409 naming the leader. The controller network must be private:",
                    "Hazelcast open source neither encrypts nor authenticates its own traffic."})
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

        @Option(names = "--cluster", description = "join the controller cluster (three controllers): only the leader runs rollouts "
                + "and sends commands to agents; needs --peers and --cluster-bind")
        boolean cluster;

        @Option(names = "--peers", paramLabel = "HOST:PORT", split = ",",
                description = "with --cluster: the controllers' cluster addresses (--cluster-bind:--cluster-port of each; this one may be listed)")
        List<String> peers;

        @Option(names = "--cluster-bind", paramLabel = "ADDR",
                description = "with --cluster: the one IPv4 address of the controller network that Hazelcast and the event bus between "
                        + "controllers listen on (never 0.0.0.0: Hazelcast traffic is not encrypted)")
        String clusterBind;

        @Option(names = "--cluster-port", paramLabel = "PORT", defaultValue = "7445",
                description = "with --cluster: the Hazelcast port (default: ${DEFAULT-VALUE}); the event bus between controllers uses the next one")
        int clusterPort;

        @Override
        public Integer call() throws InterruptedException {
            ControllerState opened = state.open("fleet controller run");
            Duration timeout = Durations.parse(heartbeatTimeout).filter(d -> !d.isZero() && !d.isNegative()).orElseThrow(() ->
                    new UserError("fleet controller run: --heartbeat-timeout '" + heartbeatTimeout + "' is not a duration like 15s or 1m"));
            if (timeout.compareTo(Heartbeat.INTERVAL) <= 0) {
                // allowed (tests use it), but every agent would be lost and found again between two of its heartbeats
                spec.commandLine().getErr().println("fleet controller run: warning: --heartbeat-timeout " + heartbeatTimeout
                        + " is not longer than the agents' heartbeat interval (" + Heartbeat.INTERVAL.toSeconds()
                        + "s): agents will count as lost between heartbeats; use at least two intervals (the default is 15s)");
                spec.commandLine().getErr().flush();
            }
            ControllerDaemon.Options options;
            try {
                options = ControllerDaemon.Options.defaults().withBind(bind).withPorts(apiPort, bridgePort).withHeartbeatTimeout(timeout);
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet controller run: " + e.getMessage());
            }
            if (cluster) {
                options = options.withCluster(clusterOptions(opened));
            } else if (peers != null || clusterBind != null) {
                throw new UserError("fleet controller run: " + (peers != null ? "--peers" : "--cluster-bind") + " needs --cluster");
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
            if (cluster) {
                out.println("fleet controller: in the controller cluster " + options.cluster().clusterName()
                        + "; leader-only work waits for the leader (fleet controllers shows it)");
            }
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

        /**
         * --cluster's options, checked before anything starts: the cluster is named after the fleet
         * (two fleets on one network never merge), and this controller's controller-peer
         * certificate is issued now for --cluster-bind.
         */
        private ClusterOptions clusterOptions(ControllerState opened) {
            if (clusterBind == null) {
                throw new UserError("fleet controller run: --cluster needs --cluster-bind ADDR (this controller's IPv4 address on the controller network)");
            }
            if (peers == null || peers.isEmpty()) {
                throw new UserError("fleet controller run: --cluster needs --peers HOST:PORT,... (the controllers' --cluster-bind:--cluster-port)");
            }
            if (apiPort == 0) {
                throw new UserError("fleet controller run: --api-port 0 cannot be used with --cluster: the other controllers name this one's API address");
            }
            if (clusterPort < 1 || clusterPort > 65534) {
                throw new UserError("fleet controller run: --cluster-port must be 1..65534 (the event bus between controllers takes the next port), not " + clusterPort);
            }
            try {
                ClusterOptions.checkBind(clusterBind);
                String apiHost = bind.stream().filter(b -> !b.equals("0.0.0.0") && !b.equals("::") && !b.equals("[::]")).findFirst().orElse(clusterBind);
                String api = "https://" + (apiHost.contains(":") && !apiHost.startsWith("[") ? "[" + apiHost + "]" : apiHost) + ":" + apiPort;
                PeerIdentity identity = PeerIdentity.issue(opened, clusterBind, Instant.now());
                return new ClusterOptions("apim-fleet-" + opened.fleetId(), clusterBind, clusterPort, clusterPort + 1, peers,
                        identity.keyCert(), identity.trust(), api);
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet controller run: " + e.getMessage());
            }
        }
    }
}
