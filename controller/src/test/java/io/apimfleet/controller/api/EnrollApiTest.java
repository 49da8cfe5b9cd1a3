package io.apimfleet.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.pki.Keys;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.pki.TestStates;
import io.apimfleet.controller.testing.RunningController;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.EnrollRequest;
import io.apimfleet.protocol.link.EnrollResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/enroll} over real TLS, as an agent without a certificate yet calls it. */
class EnrollApiTest {
    @TempDir
    Path tmp;

    RunningController controller;
    ControllerClient anonymous;

    @BeforeEach
    void setUp() {
        controller = RunningController.start(tmp);
        anonymous = new ControllerClient(controller.api(), ControllerClient.tls(null, null, controller.state().fleetCa().certificate()));
    }

    @AfterEach
    void tearDown() {
        controller.close();
    }

    private HttpResponse<String> post(String path, String body) {
        return anonymous.send(HttpRequest.newBuilder(anonymous.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private String enrollBody(String token, KeyPair keys, String node) throws Exception {
        return Json.mapper().writeValueAsString(new EnrollRequest(token, TestStates.csr(keys, node)));
    }

    @Test
    void aValidTokenAndCsrGetTheAgentCertificateTheFleetCaAndTheBridgeEndpoint() throws Exception {
        KeyPair keys = Keys.ecP256();
        String token = controller.state().tokens().create("km1", null, Instant.now()).token();

        HttpResponse<String> response = post("/v1/enroll", enrollBody(token, keys, "km1"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        EnrollResponse enrolled = Json.mapper().readValue(response.body(), EnrollResponse.class);
        X509Certificate certificate = Pem.certificate(enrolled.certificate());
        assertThat(enrolled.node()).isEqualTo("km1");
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=km1");
        assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(Pem.certificate(enrolled.caCertificate())).isEqualTo(controller.state().fleetCa().certificate());
        assertThat(enrolled.bridgeEndpoints()).containsExactly("controller.test:" + controller.bridgePort());
        assertThat(controller.state().agents().find("km1")).isPresent();
    }

    @Test
    void theSameTokenTwiceIsRefusedWith403AndReasonUsed() throws Exception {
        String token = controller.state().tokens().create("km1", null, Instant.now()).token();
        assertThat(post("/v1/enroll", enrollBody(token, Keys.ecP256(), "km1")).statusCode()).isEqualTo(200);

        HttpResponse<String> again = post("/v1/enroll", enrollBody(token, Keys.ecP256(), "km1"));

        assertThat(again.statusCode()).isEqualTo(403);
        JsonNode error = Json.mapper().readTree(again.body());
        assertThat(error.path("reason").asText()).isEqualTo("used");
        assertThat(error.path("error").asText()).isNotBlank();
        assertThat(again.body()).doesNotContain(token.substring(7));
    }

    @Test
    void malformedJsonIs400() throws Exception {
        HttpResponse<String> response = post("/v1/enroll", "{\"token\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()).path("reason").asText()).isEqualTo("malformed-request");
    }

    @Test
    void theTokenIsNeverInTheJournal() throws Exception {
        String token = controller.state().tokens().create("km1", null, Instant.now()).token();
        post("/v1/enroll", enrollBody(token, Keys.ecP256(), "km1"));
        post("/v1/enroll", enrollBody(token, Keys.ecP256(), "km1"));

        assertThat(TestStates.allText(controller.state().dir())).doesNotContain(token.substring(7));
    }

    @Test
    void renewalWithoutAClientCertificateIs401() throws Exception {
        HttpResponse<String> response = post("/v1/renew", "{\"csr\": \"x\"}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(response.body()).path("reason").asText()).isEqualTo("no-certificate");
    }

    @Test
    void renewalBeforeTwoThirdsOfTheCertificatesLifeIsRefusedTooEarly() throws Exception {
        io.apimfleet.controller.testing.AgentIdentity km1 = controller.enroll("km1");
        ControllerClient agent = new ControllerClient(controller.api(),
                ControllerClient.tls(km1.key(), km1.chain(), controller.state().fleetCa().certificate()));

        HttpResponse<String> response = agent.send(HttpRequest.newBuilder(agent.uri("/v1/renew"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(
                        java.util.Map.of("csr", TestStates.csr(Keys.ecP256(), "km1"))))).build());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Json.mapper().readTree(response.body()).path("reason").asText()).isEqualTo("too-early");
    }
}
