package io.apimfleet.controller.cli;

import io.apimfleet.controller.cluster.ClusterOptions;
import io.apimfleet.controller.cluster.PeerIdentity;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.daemon.ControllerDaemon;
import io.apimfleet.controller.join.ControllerJoin;
import io.apimfleet.controller.join.JoinFailed;
import java.net.URI;
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

/**
 * {@code fleet controller run}: the controller daemon in the foreground; {@code fleet controller
 * token create} and {@code fleet controller join}: a second and third controller joining the fleet.
 */
@Command(name = "controller",
        mixinStandardHelpOptions = true,
        description = "The controller daemon, and controllers joining the fleet.",
        subcommands = {ControllerCommand.Run.class, ControllerCommand.Token.class, ControllerCommand.Join.class})
final class ControllerCommand extends CommandGroup {
    /** The Hazelcast port's offset of the controller-peer listener joining controllers fetch the cluster secrets from. */
    static final int PEER_LISTENER_OFFSET = 2;

    @Command(name = "token",
            mixinStandardHelpOptions = true,
            description = "One-time controller tokens, for fleet controller join.",
            subcommands = {ControllerCommand.TokenCreate.class})
    static final class Token extends CommandGroup {
    }

    @Command(name = "create",
            mixinStandardHelpOptions = true,
            description = {"Asks the running first controller (with the admin certificate of --state) for a one-time controller token",
                    "and prints it once, inside the fleet controller join command to run on the new controller's host.",
                    "The controller keeps only its SHA-256; it works once, until --ttl has passed."})
    static final class TokenCreate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateOption state;

        @Mixin
        ControllerOption controller;

        @Mixin
        TtlOption ttl;

        @Override
        public Integer call() {
            Duration life = ttl.life("fleet controller token create");
            ControllerClient client = controller.client(state, "fleet controller token create");
            ControllerClient.ControllerToken token = ControllerOption.calling("fleet controller token create", () -> client.controllerToken(life));
            PrintWriter out = spec.commandLine().getOut();
            out.println("controller token " + token.id() + ", single use, valid until " + Table.time(token.expires())
                    + " (it is shown only now). On the new controller's host run (DIR, HOST:PORT and ADDR are that host's):");
            out.println(token.joinCommand());
            out.flush();
            return 0;
        }
    }

    @Command(name = "join",
            mixinStandardHelpOptions = true,
            description = {"Makes --state the state of a new controller of the fleet --controller belongs to. It checks the",
                    "controller's fleet root against --ca-hash before sending anything, makes its own keys, sends only CSRs with",
                    "the one-time token, and gets its own intermediate CAs (fleet, product, controller-peer) signed by the first",
                    "controller's roots: no CA private key crosses the wire. It then fetches the cluster secrets (master key,",
                    "sealed secret store and primary keys) once, over mutual TLS with its new controller-peer certificate, from the",
                    "first controller's listener on the controller network. Then run: fleet controller run --cluster ...",
                    "Exit status: 0 joined; 1 failed (nothing written); 2 refused (the token); 3 the fleet root does not match --ca-hash."})
    static final class Join implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--controller", required = true, paramLabel = "URL", description = "the first controller's API, https://HOST:PORT")
        String controller;

        @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "the one-time controller token (fleet controller token create)")
        String token;

        @Option(names = "--ca-hash", required = true, paramLabel = "sha256:HEX", description = "the fleet root's pin, as fleet controller token create printed it")
        String caHash;

        @Option(names = "--state", required = true, paramLabel = "DIR", description = "the new controller's state directory (absent or empty)")
        java.nio.file.Path stateDir;

        @Option(names = "--advertise", required = true, paramLabel = "HOST:PORT", description = "where agents reach this controller's API")
        String advertise;

        @Option(names = "--cluster-bind", required = true, paramLabel = "ADDR",
                description = "this controller's IPv4 address on the controller network (as fleet controller run --cluster-bind)")
        String clusterBind;

        @Override
        public Integer call() {
            URI uri;
            try {
                uri = URI.create(controller.contains("://") ? controller.trim() : "https://" + controller.trim());
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet controller join: --controller must be https://HOST:PORT, not '" + controller + "'");
            }
            ControllerState joined;
            try {
                joined = ControllerJoin.join(new ControllerJoin.Request(uri, token.strip(), caHash, stateDir, advertise, clusterBind), Instant.now());
            } catch (JoinFailed e) {
                int status = switch (e.kind()) {
                    case UNTRUSTED -> FleetCommand.EXIT_CONTROLLER;
                    case REFUSED -> FleetCommand.EXIT_USER_ERROR;
                    case FAILED -> 1;
                };
                throw new UserError(status, "fleet controller join: " + e.getMessage());
            } catch (io.apimfleet.controller.pki.ControllerStateException e) {
                throw new UserError(1, "fleet controller join: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("joined fleet " + joined.fleetId() + ": state " + joined.dir() + " (intermediates signed by " + uri + "'s roots; cluster secrets received)");
            out.println("run it with: fleet controller run --state " + stateDir + " --cluster --cluster-bind " + clusterBind + " --peers HOST:PORT,...");
            out.flush();
            return 0;
        }
    }

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
                description = "with --cluster: the Hazelcast port (default: ${DEFAULT-VALUE}); the event bus between controllers uses the next one, "
                        + "and the listener joining controllers fetch the cluster secrets from the one after")
        int clusterPort;

        /** With --cluster: this controller's controller-peer identity, for the event bus and the secrets listener. */
        private PeerIdentity peerIdentity;

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
                ClusterOptions clustering = clusterOptions(opened);
                options = options.withCluster(clustering).withPeerListener(new ControllerDaemon.PeerListener(clusterBind,
                        clusterPort + PEER_LISTENER_OFFSET, peerIdentity));
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
            if (clusterPort < 1 || clusterPort > 65535 - PEER_LISTENER_OFFSET) {
                throw new UserError("fleet controller run: --cluster-port must be 1.." + (65535 - PEER_LISTENER_OFFSET)
                        + " (the event bus between controllers and the secrets listener take the next two ports), not " + clusterPort);
            }
            try {
                ClusterOptions.checkBind(clusterBind);
                String apiHost = bind.stream().filter(b -> !b.equals("0.0.0.0") && !b.equals("::") && !b.equals("[::]")).findFirst().orElse(clusterBind);
                String api = "https://" + (apiHost.contains(":") && !apiHost.startsWith("[") ? "[" + apiHost + "]" : apiHost) + ":" + apiPort;
                peerIdentity = PeerIdentity.issue(opened, clusterBind, Instant.now());
                return new ClusterOptions("apim-fleet-" + opened.fleetId(), clusterBind, clusterPort, clusterPort + 1, peers,
                        peerIdentity.keyCert(), peerIdentity.trust(), api);
            } catch (IllegalArgumentException e) {
                throw new UserError("fleet controller run: " + e.getMessage());
            }
        }
    }
}
