package io.apimfleet.controller.join;

import io.apimfleet.controller.daemon.PeerCertificates;
import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.CertificateChains;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The first controller's side of the controller-peer channel a joining controller fetches the
 * cluster secrets over: HTTPS on the controller network ({@code --cluster-bind}, the port after
 * the event bus's), a client certificate required and trusted only when it chains to the
 * controller-peer root, never the fleet root (an agent's or the admin's certificate fails the
 * handshake). One route, {@code GET /v1/cluster-secrets}: the master key and the sealed files
 * ({@link ControllerState#clusterSecrets()}), journalled as {@code controller.secrets.sent} with
 * the peer's subject and serial, never the secrets.
 */
public final class PeerSecretsListener {
    private static final Logger LOG = Logger.getLogger(PeerSecretsListener.class.getName());
    public static final String PATH = "/v1/cluster-secrets";

    private final HttpServer server;

    private PeerSecretsListener(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code host:port} (0: any free port) presenting {@code identity} (this controller's
     * controller-peer certificate and chain) and trusting {@code peerRoot} alone. Call on the
     * controller's context; completes there.
     */
    public static Future<PeerSecretsListener> listen(Vertx vertx, String host, int port, KeyCertOptions identity, TrustOptions peerRoot,
                                                     ControllerState state, StateWorker worker, Journal journal) {
        HttpServerOptions tls = new HttpServerOptions()
                .setSsl(true)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(identity)
                .setTrustOptions(peerRoot)
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
                .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                .setSslEngineOptions(new JdkSSLEngineOptions().setUseWorkerThread(true))
                .setReuseAddress(true);
        return vertx.createHttpServer(tls)
                .requestHandler(request -> handle(request, state, worker, journal))
                .listen(port, host)
                .map(PeerSecretsListener::new);
    }

    private static void handle(HttpServerRequest request, ControllerState state, StateWorker worker, Journal journal) {
        if (!PATH.equals(request.path()) || request.method() != io.vertx.core.http.HttpMethod.GET) {
            answer(request, 404, Map.of("error", "no such route: " + request.method() + " " + request.path(), "reason", "not-found"));
            return;
        }
        List<X509Certificate> chain = PeerCertificates.chain(() -> request.connection().peerCertificates());
        // the handshake has checked this already (PKIX to the controller-peer root); asked again so that no other trust slips in
        worker.call(() -> !chain.isEmpty() && CertificateChains.leadsTo(state.peerCa().root(), chain))
                .compose(peer -> {
                    if (!peer) {
                        answer(request, 403, Map.of("error", "this listener is for controllers' controller-peer certificates only", "reason", "not-a-controller"));
                        return Future.succeededFuture();
                    }
                    return worker.call(state::clusterSecrets).compose(secrets -> {
                        Map<String, Object> fields = new LinkedHashMap<>();
                        fields.put("peer", chain.get(0).getSubjectX500Principal().getName());
                        fields.put("serial", chain.get(0).getSerialNumber().toString(16));
                        fields.put("files", List.copyOf(new java.util.TreeSet<>(secrets.sealedFiles().keySet())));
                        return journal.record("controller.secrets.sent", fields).map(v -> {
                            answer(request, 200, secrets);
                            return null;
                        });
                    });
                })
                .onFailure(failure -> {
                    LOG.log(Level.WARNING, "the cluster secrets could not be sent: " + failure.getClass().getSimpleName());
                    answer(request, 500, Map.of("error", "internal error; the controller's log has the details", "reason", "internal"));
                });
    }

    private static void answer(HttpServerRequest request, int status, Object body) {
        if (request.response().ended() || request.response().closed()) {
            return;
        }
        String text;
        try {
            text = Json.mapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            status = 500;
            text = "{\"error\":\"cannot encode the answer\",\"reason\":\"internal\"}";
        }
        request.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(text);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }
}
