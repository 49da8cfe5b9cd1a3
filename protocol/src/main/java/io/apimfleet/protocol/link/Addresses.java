package io.apimfleet.protocol.link;

/**
 * Event-bus addresses and headers. An agent may register only under {@code fleet.agent.<its CN>.}
 * and send only to {@code fleet.controller.*} and to reply addresses it was given; the bridge
 * stamps the verified certificate name into {@link #VERIFIED_NODE}, which the controller trusts,
 * never a name in a body.
 */
public final class Addresses {
    public static final String AGENT_PREFIX = "fleet.agent.";
    public static final String CONTROLLER_PREFIX = "fleet.controller.";
    /** Agents send heartbeats (with facts) here. */
    public static final String HEARTBEAT = CONTROLLER_PREFIX + "heartbeat";
    /** Agents send events (probe changes, product exits, ...) here. */
    public static final String EVENTS = CONTROLLER_PREFIX + "events";
    /** Header set by the controller's bridge: the CN of the peer certificate the frame came over. */
    public static final String VERIFIED_NODE = "fleet-node";
    /** Header naming a request's kind on an agent's command address. */
    public static final String KIND = "fleet-kind";
    /**
     * Header carrying the leadership epoch of the controller that sent a request (a decimal
     * number): an agent refuses a request whose epoch is older than the newest it has seen, so a
     * controller that no longer leads cannot act. A request without it counts as epoch 0.
     */
    public static final String EPOCH = "fleet-epoch";

    private Addresses() {
    }

    /** Where the controller sends requests to one agent. */
    public static String commands(String node) {
        return AGENT_PREFIX + node + ".cmd";
    }

    /**
     * The reply address an agent gives with a heartbeat when it wants the controller's
     * {@link LinkAdvice}; in the agent's own namespace, so the bridge lets the answer through.
     */
    public static String advice(String node) {
        return AGENT_PREFIX + node + ".advice";
    }

    /** True when {@code address} belongs to {@code node}'s own namespace. */
    public static boolean ownedBy(String address, String node) {
        return address != null && address.startsWith(AGENT_PREFIX + node + ".");
    }
}
