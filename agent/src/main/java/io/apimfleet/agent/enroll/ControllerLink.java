package io.apimfleet.agent.enroll;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.net.URI;
import java.util.List;

/**
 * {@code identity/controller.json}: where this agent's controller is and who the agent is.
 *
 * @param controller      the controller's HTTPS API ({@code https://HOST:PORT}), for renewal
 * @param bridgeEndpoints where the controller's event-bus bridge listens, {@code HOST:PORT}, tried in turn
 * @param node            this agent's node name (its certificate's CN)
 * @param home            the API-M home this agent manages, or null when none was given at join
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControllerLink(String controller, List<String> bridgeEndpoints, String node, String home) {
    public ControllerLink {
        bridgeEndpoints = bridgeEndpoints == null ? List.of() : List.copyOf(bridgeEndpoints);
    }

    public URI controllerUri() {
        return URI.create(controller);
    }
}
