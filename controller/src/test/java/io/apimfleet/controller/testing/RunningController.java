package io.apimfleet.controller.testing;

import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.daemon.ControllerDaemon;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.TestStates;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A controller daemon on 127.0.0.1 with ports picked free, over a fresh state: what the daemon
 * tests run against. {@link #restart()} closes it and starts another on the same state and ports.
 */
public final class RunningController implements AutoCloseable {
    private final ControllerState state;
    private final ControllerDaemon.Options options;
    private ControllerDaemon daemon;

    private RunningController(ControllerState state, ControllerDaemon.Options options) {
        this.state = state;
        this.options = options;
        this.daemon = ControllerDaemon.start(state, options);
    }

    public static RunningController start(Path tmp) {
        return start(tmp, Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    public static RunningController start(Path tmp, Duration heartbeatTimeout, Duration requestTimeout) {
        ControllerState state = TestStates.fresh(tmp);
        ControllerDaemon.Options options = ControllerDaemon.Options.defaults()
                .withPorts(FreePorts.onLoopback(), FreePorts.onLoopback())
                .withHeartbeatTimeout(heartbeatTimeout)
                .withRequestTimeout(requestTimeout);
        return new RunningController(state, options);
    }

    /**
     * A controller daemon over {@code state} listening on {@code host} alone (API and bridge on free
     * ports), serving joining controllers the cluster secrets on {@code host} (a free port) with a
     * controller-peer certificate for {@code host}.
     */
    public static RunningController admitting(ControllerState state, String host) {
        ControllerDaemon.Options options = ControllerDaemon.Options.defaults()
                .withBind(List.of(host))
                .withPorts(FreePorts.onLoopback(), FreePorts.onLoopback())
                .withPeerListener(new ControllerDaemon.PeerListener(host, 0,
                        io.apimfleet.controller.cluster.PeerIdentity.issue(state, host, java.time.Instant.now())));
        return new RunningController(state, options);
    }

    /** A controller daemon over {@code state} listening on {@code host} alone (API and bridge on free ports). */
    public static RunningController on(ControllerState state, String host) {
        return new RunningController(state, ControllerDaemon.Options.defaults().withBind(List.of(host)).withPorts(FreePorts.onLoopback(), FreePorts.onLoopback()));
    }

    public ControllerState state() {
        return state;
    }

    public ControllerDaemon daemon() {
        return daemon;
    }

    public int apiPort() {
        return daemon.apiPort();
    }

    public int bridgePort() {
        return daemon.bridgePort();
    }

    public URI api() {
        return URI.create("https://" + options.bind().get(0) + ":" + apiPort());
    }

    public String caPem() {
        return io.apimfleet.controller.pki.Pem.write(state.fleetCa().certificate());
    }

    /** The CLI's client: the admin certificate of the state directory. */
    public ControllerClient admin() {
        return ControllerClient.admin(state.dir(), api());
    }

    public AgentIdentity enroll(String node) {
        return AgentIdentity.enroll(state, node);
    }

    /** Journal entries of {@code type}, as ControllerState reads them. */
    public List<Map<String, Object>> journal(String type) {
        return state.journal().stream().filter(e -> type.equals(e.get("type"))).toList();
    }

    public void restart() {
        daemon.close(Duration.ofSeconds(10));
        daemon = ControllerDaemon.start(state, options);
    }

    @Override
    public void close() {
        daemon.close(Duration.ofSeconds(10));
    }

}
