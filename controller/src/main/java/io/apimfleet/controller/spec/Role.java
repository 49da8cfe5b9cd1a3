package io.apimfleet.controller.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a node does in the distributed deployment, named in YAML as {@link #yamlName()}. */
public enum Role {
    KEY_MANAGER("key-manager"),
    PUBLISHER("publisher"),
    STORE("store"),
    TRAFFIC_MANAGER("traffic-manager"),
    GATEWAY("gateway"),
    LOAD_BALANCER("load-balancer");

    private final String yamlName;

    Role(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<Role> fromName(String name) {
        return Arrays.stream(values()).filter(role -> role.yamlName.equals(name)).findFirst();
    }

    /** The YAML names of every role, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Role::yamlName).toList();
    }

    /** The roles played by an API-M profile, in the default start order. */
    public static List<Role> apimRoles() {
        return Arrays.stream(values()).filter(Role::isApim).toList();
    }

    /** False only for the load balancer, which is HAProxy or nginx rather than API-M. */
    public boolean isApim() {
        return this != LOAD_BALANCER;
    }

    /**
     * True for the roles that, once doubled, peers and users reach through a load-balancer
     * endpoint (DESIGN.md). Traffic managers fail over by themselves.
     */
    public boolean isLoadBalanced() {
        return this == KEY_MANAGER || this == PUBLISHER || this == STORE;
    }

    /**
     * The roles this one must reach, so a cluster cannot work without them (and the recipes cannot
     * render it): a publisher publishes APIs to the gateways' environments and throttling policies
     * to a traffic manager; a store lists the gateways' endpoints and revokes tokens through a
     * gateway; both validate keys at a key manager; a gateway validates keys at a key manager and
     * throttles through a traffic manager.
     */
    public List<Role> requires() {
        return switch (this) {
            case PUBLISHER -> List.of(KEY_MANAGER, TRAFFIC_MANAGER, GATEWAY);
            case STORE -> List.of(KEY_MANAGER, GATEWAY);
            case GATEWAY -> List.of(KEY_MANAGER, TRAFFIC_MANAGER);
            default -> List.of();
        };
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
