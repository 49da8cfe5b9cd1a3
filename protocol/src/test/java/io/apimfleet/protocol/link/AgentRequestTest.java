package io.apimfleet.protocol.link;

import io.apimfleet.protocol.bundle.Bundle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AgentRequestTest {
    @Test
    void aRequestPrintsTheNamesOfItsSecretsNeverTheirValues() {
        AgentRequest request = AgentRequest.withSecrets(AgentRequest.Kind.APPLY, new Bundle("km1", 3, List.of()),
                Map.of("primary-key", "-----BEGIN PRIVATE KEY-----abc", "admin-password", "hunter2"));
        assertThat(request.toString()).contains("primary-key", "admin-password", "km1@3")
                .doesNotContain("hunter2").doesNotContain("BEGIN PRIVATE KEY");
    }
}
