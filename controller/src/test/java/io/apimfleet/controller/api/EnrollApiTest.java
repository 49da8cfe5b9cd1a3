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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    void twoConcurrentEnrollmentsWithTheSameTokenExactlyOneSucceeds() throws Exception {
        String token = controller.state().tokens().create("km1", null, Instant.now()).token();
        List<String> bodies = List.of(enrollBody(token, Keys.ecP256(), "km1"), enrollBody(token, Keys.ecP256(), "km1"));

        List<HttpResponse<String>> responses = concurrently(bodies);

        assertThat(responses).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 403);
        HttpResponse<String> refused = responses.stream().filter(r -> r.statusCode() == 403).findFirst().orElseThrow();
        assertThat(Json.mapper().readTree(refused.body()).path("reason").asText()).isEqualTo("used");
        assertThat(controller.state().agents().find("km1").orElseThrow().certificates()).hasSize(1);
    }

    @Test
    void concurrentEnrollmentsEachWithItsOwnTokenAllSucceed() throws Exception {
        List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String node = "gw" + i;
            bodies.add(enrollBody(controller.state().tokens().create(node, null, Instant.now()).token(), Keys.ecP256(), node));
        }

        List<HttpResponse<String>> responses = concurrently(bodies);

        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(controller.state().agents().list()).extracting(a -> a.node())
                .containsExactlyInAnyOrder("gw0", "gw1", "gw2", "gw3", "gw4", "gw5", "gw6", "gw7");
    }

    /** POSTs every body to /v1/enroll at once; the responses in the bodies' order. */
    private List<HttpResponse<String>> concurrently(List<String> bodies) throws Exception {
        // a thread per request: the common pool has a single thread on a 2-core machine
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(bodies.size());
        try {
            List<CompletableFuture<HttpResponse<String>>> sent = bodies.stream()
                    .map(body -> CompletableFuture.supplyAsync(() -> post("/v1/enroll", body), threads)).toList();
            List<HttpResponse<String>> responses = new java.util.ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : sent) {
                responses.add(response.get(30, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            threads.shutdownNow();
        }
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
