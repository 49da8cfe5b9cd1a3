package io.apimfleet.protocol.bundle;

import java.util.List;
import java.util.Map;

/**
 * How the agent starts the product: {@code command} run in the home, with {@code environment}
 * added to the agent's own. The agent knows nothing more about the product than this.
 *
 * @param reload      a command, run in the home, that makes the running product take new files
 *                    without stopping (e.g. a load balancer's graceful reload); null when it has none
 * @param adminSocket a Unix socket of the running product that takes one command line per
 *                    connection and answers it (HAProxy's runtime API); null when it has none
 */
public record ProcessSpec(List<String> command, Map<String, String> environment, List<String> reload, String adminSocket) {
    public ProcessSpec {
        command = List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        reload = reload == null ? null : List.copyOf(reload);
    }

    public ProcessSpec(List<String> command, Map<String, String> environment) {
        this(command, environment, null, null);
    }

    public ProcessSpec(List<String> command, Map<String, String> environment, List<String> reload) {
        this(command, environment, reload, null);
    }
}
