package io.apimfleet.protocol.link;

import java.util.List;

/** The answer to an enrollment: the agent's certificate, the fleet CA, and where the bridge listens ({@code HOST:PORT}). */
public record EnrollResponse(String node, String certificate, String caCertificate, List<String> bridgeEndpoints) {
    public EnrollResponse {
        bridgeEndpoints = List.copyOf(bridgeEndpoints);
    }
}
