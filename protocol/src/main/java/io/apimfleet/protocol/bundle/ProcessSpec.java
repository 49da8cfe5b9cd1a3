package io.apimfleet.protocol.bundle;

import java.util.List;
import java.util.Map;

/**
 * How the agent starts the product: {@code command} run in the home, with {@code environment}
 * added to the agent's own. The agent knows nothing more about the product than this.
 */
public record ProcessSpec(List<String> command, Map<String, String> environment) {
    public ProcessSpec {
        command = List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}
