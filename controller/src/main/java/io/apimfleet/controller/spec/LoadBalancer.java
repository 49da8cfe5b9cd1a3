package io.apimfleet.controller.spec;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The load balancer in front of the doubled roles.
 *
 * @param node      the name of the node (role load-balancer) that runs it
 * @param endpoints one endpoint per doubled key-manager, publisher or store role
 */
public record LoadBalancer(String node, Kind kind, Map<Role, Endpoint> endpoints) {

    /** The software the load-balancer node runs. */
    public enum Kind {
        HAPROXY, NGINX;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Kind> fromName(String name) {
            return Arrays.stream(values()).filter(kind -> kind.yamlName().equals(name)).findFirst();
        }

        public static List<String> names() {
            return Arrays.stream(values()).map(Kind::yamlName).toList();
        }

        @Override
        public String toString() {
            return yamlName();
        }
    }

    public LoadBalancer {
        kind = kind == null ? Kind.HAPROXY : kind;
        // EnumMap keeps the roles in start order, so anything rendered from it is stable.
        EnumMap<Role, Endpoint> copy = new EnumMap<>(Role.class);
        copy.putAll(endpoints == null ? Map.of() : endpoints);
        endpoints = Collections.unmodifiableMap(copy);
    }

    public Optional<Endpoint> endpoint(Role role) {
        return Optional.ofNullable(endpoints.get(role));
    }
}
