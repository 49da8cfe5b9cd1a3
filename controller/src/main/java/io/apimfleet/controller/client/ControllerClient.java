package io.apimfleet.controller.client;

import io.apimfleet.controller.pki.ClusterSecrets;
import io.apimfleet.controller.pki.ControllerAdmission;
import java.time.Instant;

import io.apimfleet.controller.cluster.ClusterView;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.bundle.keystore.SingleKeyManagers;
import io.apimfleet.controller.pki.Pem;
import io.apimfleet.controller.rollout.ClusterPlan;
import io.apimfleet.controller.rollout.RolloutRecord;
import io.apimfleet.controller.rollout.Rollouts;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import io.apimfleet.bundle.keystore.SingleCaTrust;

import javax.net.ssl.TrustManagerFactory;

/**
 * The CLI's side of the controller's HTTPS API: mutual TLS with the admin certificate
 * {@code fleet init} wrote ({@code <state>/admin/admin.crt}, {@code admin.key}), trusting only the
 * fleet CA ({@code admin/ca.crt}), host name verified. Failures are
 * {@link ControllerUnreachable} (nothing reached the controller) or {@link ControllerApiException}
 * (it answered with an error).
 */
public final class ControllerClient {
    public static final String ADMIN_CRT = "admin/admin.crt";
    public static final String ADMIN_KEY = "admin/admin.key";
    public static final String ADMIN_CA = "admin/ca.crt";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than the controller's 30 s for an agent: its 504 should arrive, not ours. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SPEC_TIMEOUT = Duration.ofMinutes(3);
    /** Longer than the controller's own wait for a product stop and start (90 s). */
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(2);

    private final URI base;
    private final HttpClient http;

    public ControllerClient(URI base, SSLContext tls) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        if (!"https".equals(this.base.getScheme())) {
            throw new IllegalArgumentException("the controller URL must be https://HOST:PORT, not " + base);
        }
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** The admin's client, from the state directory's admin files. */
    public static ControllerClient admin(Path stateDir, URI controller) {
        X509Certificate ca = Pem.readCertificate(stateDir.resolve(ADMIN_CA));
        List<X509Certificate> chain = Pem.readCertificates(stateDir.resolve(ADMIN_CRT));
        PrivateKey key = Pem.readPrivateKey(stateDir.resolve(ADMIN_KEY));
        return new ControllerClient(controller, tls(key, chain, ca));
    }

    /** TLS trusting {@code ca} alone; with {@code key} and {@code chain} null, no client certificate. */
    public static SSLContext tls(PrivateKey key, List<X509Certificate> chain, X509Certificate ca) {
        try {
            TrustManagerFactory trustManagers = SingleCaTrust.of(ca);
            KeyManagerFactory keyManagers = key == null ? null : SingleKeyManagers.of(key, chain.toArray(X509Certificate[]::new));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    public URI base() {
        return base;
    }

    /** {@code GET /v1/agents}. */
    public List<AgentView> agents() {
        return read(get("/v1/agents"), new TypeReference<List<AgentView>>() { });
    }

    /** {@code GET /v1/controllers}: the controllers, which one leads, its epoch. */
    public ClusterView controllers() {
        return read(get("/v1/controllers"), ClusterView.class);
    }

    /** {@code POST /v1/nodes/NODE/ACTION} (plan, apply, rollback) with the bundle; the agent's reply. */
    public AgentReply nodeRequest(String node, String action, Bundle bundle, boolean force) {
        return nodeRequest(node, action, bundle, force, 0);
    }

    /** A request to one node's agent through the controller; {@code lines} for {@code logs} (0: the agent's default). */
    public AgentReply nodeRequest(String node, String action, Bundle bundle, boolean force, int lines) {
        byte[] body;
        try {
            body = bundle == null ? new byte[0] : Json.mapper().writeValueAsBytes(bundle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String query = (force ? "&force=true" : "") + (lines > 0 ? "&lines=" + lines : "");
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/nodes/" + node + "/" + action + (query.isEmpty() ? "" : "?" + query.substring(1))))
                .timeout(NODE_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return read(send(request), AgentReply.class);
    }

    /** {@code POST /v1/plan}: dry runs of the whole cluster (agents make CSRs and diffs: allow minutes). */
    public ClusterPlan plan(String source, String yaml) {
        return read(send(json("POST", "/v1/plan", new SpecRequest(source, yaml, Map.of(), false), SPEC_TIMEOUT)), ClusterPlan.class);
    }

    /** {@code POST /v1/apply}: starts the rollout; its progress is in the events after {@code since}. */
    public Rollouts.Started apply(String source, String yaml, Map<String, String> secrets) {
        return apply(source, yaml, secrets, true);
    }

    /** As above; without {@code acceptOutage}, a restart of a role's only running node is refused (409 outage-not-accepted). */
    public Rollouts.Started apply(String source, String yaml, Map<String, String> secrets, boolean acceptOutage) {
        return read(send(json("POST", "/v1/apply", new SpecRequest(source, yaml, secrets, acceptOutage), SPEC_TIMEOUT)), Rollouts.Started.class);
    }

    /** A controller token as {@code POST /v1/controllers/tokens} answers it, the only time its value is shown. */
    public record ControllerToken(String id, String token, Instant expires, String joinCommand) {
        /** Never the token. */
        @Override
        public String toString() {
            return "ControllerToken[id=" + id + ", expires=" + expires + "]";
        }
    }

    /** {@code POST /v1/controllers/tokens}: a one-time token for {@code fleet controller join} (admin). */
    public ControllerToken controllerToken(Duration ttl) {
        return read(send(json("POST", "/v1/controllers/tokens", Map.of("ttl", ttl.toSeconds() + "s"), REQUEST_TIMEOUT)), ControllerToken.class);
    }

    /** {@code POST /v1/controllers/join}: a controller's token and CSRs in, its intermediates out (no client certificate). */
    public ControllerAdmission.Grant joinController(ControllerAdmission.Request request) {
        return read(send(json("POST", "/v1/controllers/join", request, REQUEST_TIMEOUT)), ControllerAdmission.Grant.class);
    }

    /** {@code GET /v1/cluster-secrets} of a controller-peer listener (this client presenting a controller-peer certificate). */
    public ClusterSecrets clusterSecrets() {
        return read(get("/v1/cluster-secrets"), ClusterSecrets.class);
    }

    /** {@code POST /v1/rollouts/resume}: the paused rollout goes on, or an aborted one's spec is applied again. */
    public Rollouts.Started resumeRollout() {
        return read(send(json("POST", "/v1/rollouts/resume", Map.of(), REQUEST_TIMEOUT)), Rollouts.Started.class);
    }

    /** {@code POST /v1/rollouts/undo}: a rollout that takes the newest one back. */
    public Rollouts.Started undoRollout() {
        return read(send(json("POST", "/v1/rollouts/undo", Map.of(), REQUEST_TIMEOUT)), Rollouts.Started.class);
    }

    /** Asks the running rollout to hold before its next batch; empty when none runs. */
    public Optional<RolloutRecord> pauseRollout() {
        HttpResponse<String> response = send(json("POST", "/v1/rollouts/pause", Map.of(), REQUEST_TIMEOUT));
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(read(response, RolloutRecord.class));
    }

    public List<RolloutRecord> rollouts() {
        return read(get("/v1/rollouts"), new TypeReference<List<RolloutRecord>>() { });
    }

    /** The running rollout, if any. */
    public Optional<RolloutRecord> currentRollout() {
        HttpResponse<String> response = get("/v1/rollouts/current");
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(read(response, RolloutRecord.class));
    }

    /** Asks the running rollout to stop; empty when none runs. */
    public Optional<RolloutRecord> abortRollout() {
        HttpResponse<String> response = send(json("POST", "/v1/rollouts/abort", Map.of(), REQUEST_TIMEOUT));
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(read(response, RolloutRecord.class));
    }

    public List<SecretStore.Entry> secrets() {
        return read(get("/v1/secrets"), new TypeReference<List<SecretStore.Entry>>() { });
    }

    public void putSecret(String name, String value) {
        checked(send(json("PUT", "/v1/secrets/" + name, Map.of("value", value), REQUEST_TIMEOUT)));
    }

    /** @return whether there was such a secret */
    public boolean removeSecret(String name) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/secrets/" + name)).timeout(REQUEST_TIMEOUT).DELETE().build());
        if (response.statusCode() == 404) {
            return false;
        }
        checked(response);
        return true;
    }

    /** The body of {@code /v1/plan} and {@code /v1/apply}. */
    private record SpecRequest(String source, String yaml, Map<String, String> secrets, boolean acceptOutage) {
        @Override
        public String toString() {
            return "SpecRequest[" + source + "]";
        }
    }

    private HttpRequest json(String method, String path, Object body, Duration timeout) {
        try {
            return HttpRequest.newBuilder(uri(path)).timeout(timeout).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /metrics}: Prometheus text. */
    public String metrics() {
        return checked(get("/metrics"));
    }

    /**
     * {@code GET /v1/events?since=N[&follow=true]}: calls {@code line} with each NDJSON line as it
     * arrives; with follow, returns only when the controller closes the stream.
     */
    public void events(long since, boolean follow, Consumer<String> line) {
        events(since, follow, false, line);
    }

    /** As {@link #events(long, boolean, Consumer)}; with {@code heartbeats} (and follow), heartbeats too as they arrive (index 0). */
    public void events(long since, boolean follow, boolean heartbeats, Consumer<String> line) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/v1/events?since=" + since + (follow ? "&follow=true" : "")
                + (follow && heartbeats ? "&heartbeats=true" : "")));
        if (!follow) {
            builder.timeout(REQUEST_TIMEOUT);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(builder.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControllerUnreachable("interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw failure(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            try (Stream<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(body, StandardCharsets.UTF_8)).lines()) {
                lines.filter(l -> !l.isBlank()).forEach(line);
            } catch (UncheckedIOException e) {
                throw new ControllerUnreachable("the event stream from " + base + " broke: " + e.getCause().getMessage(), e);
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** One request as it is (for callers that need the status themselves). */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControllerUnreachable("interrupted", e);
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build());
    }

    private static <T> T read(HttpResponse<String> response, Class<T> type) {
        try {
            return Json.mapper().readValue(checked(response), type);
        } catch (IOException e) {
            throw new ControllerApiException(response.statusCode(), "unreadable", "the controller's answer is not what was expected: " + e.getMessage());
        }
    }

    private static <T> T read(HttpResponse<String> response, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(checked(response), type);
        } catch (IOException e) {
            throw new ControllerApiException(response.statusCode(), "unreadable", "the controller's answer is not what was expected: " + e.getMessage());
        }
    }

    private static String checked(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        return response.body();
    }

    private static ControllerApiException failure(int status, String body) {
        String reason = "http-" + status;
        String message = "the controller answered " + status;
        List<String> problems = new ArrayList<>();
        try {
            JsonNode error = Json.mapper().readTree(body);
            if (error != null) {
                error.path("problems").forEach(p -> problems.add(p.asText()));
            }
            if (error != null && error.path("reason").isTextual()) {
                reason = error.path("reason").asText();
            }
            if (error != null && error.path("error").isTextual()) {
                message = error.path("error").asText();
            }
        } catch (IOException ignored) {
            // not JSON: keep the status
        }
        return new ControllerApiException(status, reason, message, problems);
    }

    private ControllerUnreachable unreachable(IOException e) {
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "connection timed out";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer in time";
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else if (e instanceof SSLException || e.getCause() instanceof SSLException) {
            why = "TLS failed (" + (e.getMessage() == null ? e.getCause() : e.getMessage()) + "); is it this fleet's controller, and is the admin certificate valid?";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new ControllerUnreachable("cannot reach the controller at " + base + ": " + why, e);
    }
}
