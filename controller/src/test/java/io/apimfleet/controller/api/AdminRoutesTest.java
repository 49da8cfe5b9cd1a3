package io.apimfleet.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.testing.AgentIdentity;
import io.apimfleet.controller.testing.RunningController;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin routes answer the admin certificate only. */
class AdminRoutesTest {
    @TempDir
    Path tmp;

    RunningController controller;

    @BeforeEach
    void setUp() {
        controller = RunningController.start(tmp);
    }

    @AfterEach
    void tearDown() {
        controller.close();
    }

    private ControllerClient withoutCertificate() {
        return new ControllerClient(controller.api(), ControllerClient.tls(null, null, controller.state().fleetCa().certificate()));
    }

    private ControllerClient asAgent(String node) {
        AgentIdentity agent = controller.enroll(node);
        return new ControllerClient(controller.api(), ControllerClient.tls(agent.key(), agent.chain(), controller.state().fleetCa().certificate()));
    }

    @Test
    void aCallerWithoutACertificateGets401() {
        assertThatThrownBy(() -> withoutCertificate().agents())
                .isInstanceOfSatisfying(ControllerApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.reason()).isEqualTo("no-certificate");
                });
    }

    @Test
    void anAgentCertificateGets403OnEveryAdminRoute() {
        ControllerClient agent = asAgent("km1");

        assertThatThrownBy(agent::agents).isInstanceOfSatisfying(ControllerApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.reason()).isEqualTo("not-admin");
        });
        assertThatThrownBy(agent::metrics).isInstanceOfSatisfying(ControllerApiException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> agent.events(0, false, line -> { }))
                .isInstanceOfSatisfying(ControllerApiException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> agent.nodeRequest("km1", "rollback", null, false))
                .isInstanceOfSatisfying(ControllerApiException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void theAdminCertificateListsTheEnrolledAgents() {
        controller.enroll("km1");

        assertThat(controller.admin().agents()).singleElement().satisfies(view -> {
            assertThat(view.node()).isEqualTo("km1");
            assertThat(view.connected()).isFalse();
            assertThat(view.certificateDaysLeft()).isBetween(89L, 90L);
        });
    }
}
