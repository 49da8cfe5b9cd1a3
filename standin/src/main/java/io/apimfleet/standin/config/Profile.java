package io.apimfleet.standin.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static io.apimfleet.standin.config.Listener.JMS;
import static io.apimfleet.standin.config.Listener.MANAGEMENT;
import static io.apimfleet.standin.config.Listener.PASSTHROUGH_HTTP;
import static io.apimfleet.standin.config.Listener.PASSTHROUGH_HTTPS;
import static io.apimfleet.standin.config.Listener.THRIFT;
import static io.apimfleet.standin.config.Listener.THROTTLE_AUTH;
import static io.apimfleet.standin.config.Listener.THROTTLE_RECEIVER;

/** The {@code -Dprofile} values of API-M 2.2.0 the stand-in plays, and the ports each opens. */
public enum Profile {
    /** No profile (or {@code default}): everything in one node, depending on nobody. */
    ALL_IN_ONE("default", EnumSet.allOf(Listener.class)),
    KEY_MANAGER("api-key-manager", EnumSet.of(MANAGEMENT, THRIFT)),
    PUBLISHER("api-publisher", EnumSet.of(MANAGEMENT)),
    STORE("api-store", EnumSet.of(MANAGEMENT)),
    TRAFFIC_MANAGER("traffic-manager", EnumSet.of(MANAGEMENT, THROTTLE_RECEIVER, THROTTLE_AUTH, JMS)),
    GATEWAY_WORKER("gateway-worker", EnumSet.of(MANAGEMENT, PASSTHROUGH_HTTP, PASSTHROUGH_HTTPS));

    private final String id;
    private final Set<Listener> listeners;

    Profile(String id, Set<Listener> listeners) {
        this.id = id;
        this.listeners = listeners;
    }

    public String id() {
        return id;
    }

    public Set<Listener> listeners() {
        return EnumSet.copyOf(listeners);
    }

    /** The profile named on the command line; null or blank is the all-in-one default. */
    public static Profile of(String name) {
        if (name == null || name.isBlank()) {
            return ALL_IN_ONE;
        }
        return Arrays.stream(values()).filter(p -> p.id.equals(name)).findFirst()
                .orElseThrow(() -> new ConfigException("unknown profile '" + name + "'; the stand-in plays "
                        + Arrays.stream(values()).map(Profile::id).collect(Collectors.joining(", "))));
    }
}
