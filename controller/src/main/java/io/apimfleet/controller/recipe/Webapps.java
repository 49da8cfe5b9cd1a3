package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Options;
import io.apimfleet.controller.spec.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each role keeps of the 11 web applications and 3 Jaggery apps API-M 2.2.0 ships; the
 * guide's table, everything else is removed (a {@code .war} and its exploded folder alike).
 */
final class Webapps {
    static final String PIZZASHACK = "am#sample#pizzashack#v1";
    static final String ADMIN_API = "api#am#admin#v0.12";

    private static final Map<Role, List<String>> WEBAPPS = Map.of(
            Role.GATEWAY, List.of(),
            Role.KEY_MANAGER, List.of("authenticationendpoint", "client-registration#v0.12", "oauth2", "throttle#data#v1",
                    "api#identity#consent-mgt#v1.0"),
            Role.PUBLISHER, List.of("api#am#publisher#v0.12", "authenticationendpoint", "micro-gateway#v0.9"),
            Role.STORE, List.of("api#am#store#v0.12", "authenticationendpoint"),
            Role.TRAFFIC_MANAGER, List.of());

    private static final Map<Role, List<String>> JAGGERYAPPS = Map.of(
            Role.GATEWAY, List.of(),
            Role.KEY_MANAGER, List.of(),
            Role.PUBLISHER, List.of("publisher", "admin"),
            Role.STORE, List.of("store"),
            Role.TRAFFIC_MANAGER, List.of());

    private Webapps() {
    }

    static List<String> webapps(Role role, Options options) {
        List<String> keep = new ArrayList<>(WEBAPPS.get(role));
        if (options.samples() && (role == Role.GATEWAY || role == Role.PUBLISHER)) {
            keep.add(PIZZASHACK);
        }
        if (options.gatewayAdminApi() && role == Role.GATEWAY) {
            keep.add(ADMIN_API);
        }
        return keep;
    }

    static List<String> jaggeryapps(Role role) {
        return JAGGERYAPPS.get(role);
    }
}
