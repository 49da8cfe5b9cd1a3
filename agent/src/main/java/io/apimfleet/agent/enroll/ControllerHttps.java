package io.apimfleet.agent.enroll;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.protocol.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * JSON over HTTPS to the controller's API with the JDK client (blocking: call it from a CLI
 * thread or a worker, never an event loop). The TLS context decides whom it trusts; the JDK
 * checks the host name against the certificate.
 */
final class ControllerHttps {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** An answer: status and body. */
    record Answer(int status, String body) {
        /** The body as JSON, when it is JSON. */
        Optional<JsonNode> json() {
            try {
                return Optional.ofNullable(Json.mapper().readTree(body));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** {@code error (reason)} of a refusal body {@code {"error","reason"}}, else the start of the body. */
        String refusal() {
            return json().filter(j -> j.hasNonNull("error"))
                    .map(j -> j.get("error").asText() + (j.hasNonNull("reason") ? " (" + j.get("reason").asText() + ")" : ""))
                    .orElseGet(() -> "HTTP " + status + (body.isBlank() ? "" : ": " + abbreviate(body.strip())));
        }

        /** The stable code of a refusal, when there is one. */
        Optional<String> code() {
            return json().filter(j -> j.hasNonNull("error")).map(j -> j.get("error").asText());
        }
    }

    private ControllerHttps() {
    }

    static Answer postJson(URI uri, SSLContext tls, Object body) throws IOException {
        return postJson(client(tls), uri, body);
    }

    /** A client as {@link #postJson(URI, SSLContext, Object)} makes one per call; shared by many calls, it keeps connections. */
    static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static Answer postJson(HttpClient client, URI uri, Object body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
