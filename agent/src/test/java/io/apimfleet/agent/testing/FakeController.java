package io.apimfleet.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.EnrollRequest;
import io.apimfleet.protocol.link.EnrollResponse;
import io.apimfleet.protocol.link.FrameCodec;
import io.apimfleet.protocol.link.Heartbeat;
import io.apimfleet.protocol.link.LinkAdvice;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TrustOptions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the controller, for agent tests: the HTTPS API ({@code POST /v1/enroll},
 * {@code POST /v1/renew}) and the TCP event-bus bridge (mutual TLS, frames), on 127.0.0.1
 * ephemeral ports, with certificates from a {@link TestCa}. It records what arrives.
 */
public final class FakeController implements AutoCloseable {
    public static final String TOKEN = "4b49p0.z2by7evx52q0nyae6d31vkw4";

    private final Vertx vertx = Vertx.vertx();
    private final TestCa ca;
    private final HttpServer https;
    private final NetServer bridge;

    /** The node the valid token was made for. */
    public volatile String tokenNode = "km1";
    /** How long agent certificates live, and from when (relative to now) they are valid. */
    public volatile Duration certificateLife = Duration.ofDays(90);
    public volatile Duration certificateBackdate = Duration.ofMinutes(5);
    /** Answers a certificate issued by an intermediate without that intermediate (a broken controller). */
    public volatile boolean omitIntermediates;
    /** Certifies a key of its own instead of the CSR's, under the CSR's name (a broken or hostile controller). */
    public volatile boolean certifyAnotherKey;
    /** Answers to the next renewals: {@code too-early} or {@code ok} (the default when empty). */
    public final Queue<String> renewalAnswers = new ConcurrentLinkedQueue<>();

    public final AtomicInteger httpConnections = new AtomicInteger();
    public final AtomicInteger httpRequests = new AtomicInteger();
    public final List<EnrollRequest> enrollments = new CopyOnWriteArrayList<>();
    /** CN of the client certificate of every renewal request. */
    public final List<String> renewals = new CopyOnWriteArrayList<>();
    public final AtomicInteger bridgeConnections = new AtomicInteger();
    /** "CN address" of every accepted registration. */
    public final List<String> registrations = new CopyOnWriteArrayList<>();
    /** "CN address" of every refused registration. */
    public final List<String> refusedRegistrations = new CopyOnWriteArrayList<>();
    public final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    /** The answer to a heartbeat that asks for advice; none while null. */
    public volatile LinkAdvice advice;
    /** Advice answers written. */
    public final AtomicInteger advised = new AtomicInteger();
    /** Events sent to {@code Addresses.EVENTS}: their {@code {type, fields}} bodies. */
    public final List<com.fasterxml.jackson.databind.JsonNode> events = new CopyOnWriteArrayList<>();

    private final Map<String, NetSocket> agents = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<AgentReply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong replies = new AtomicLong();

    private FakeController(TestCa ca, TestCa.Issued serverCertificate, int bridgePort) throws Exception {
        this.ca = ca;
        KeyCertOptions key = KeyCertOptions.wrap(serverCertificate.keyManagers());
        TrustOptions trust = TrustOptions.wrap(ca.trustManagers());
        https = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                        .setKeyCertOptions(key).setTrustOptions(trust).setClientAuth(ClientAuth.REQUEST))
                .connectionHandler(c -> httpConnections.incrementAndGet())
                .requestHandler(this::http);
        https.listen().await(10, TimeUnit.SECONDS);
        bridge = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(bridgePort).setSsl(true)
                        .setKeyCertOptions(key).setTrustOptions(trust).setClientAuth(ClientAuth.REQUIRED))
                .connectHandler(this::bridgeConnection);
        bridge.listen().await(10, TimeUnit.SECONDS);
    }

    /** A controller whose server certificate names 127.0.0.1 and localhost. */
    public static FakeController start(TestCa ca) throws Exception {
        return start(ca, ca.server("127.0.0.1", "localhost"));
    }

    public static FakeController start(TestCa ca, TestCa.Issued serverCertificate) throws Exception {
        return new FakeController(ca, serverCertificate, 0);
    }

    /** A controller whose bridge listens on a given port (a restarted controller). */
    public static FakeController start(TestCa ca, TestCa.Issued serverCertificate, int bridgePort) throws Exception {
        return new FakeController(ca, serverCertificate, bridgePort);
    }

    /** The pin of this controller's fleet CA. */
    public String pin() {
        return ca.pin();
    }

    public String url() {
        return "https://127.0.0.1:" + https.actualPort();
    }

    public String bridgeEndpoint() {
        return "127.0.0.1:" + bridge.actualPort();
    }

    /** Sends a request to the node's command address, as the controller does; completes with the agent's reply. */
    public CompletableFuture<AgentReply> request(String node, AgentRequest request) {
        return request(node, request, Map.of(Addresses.KIND, request.kind().name()));
    }

    /** As {@link #request(String, AgentRequest)}, stamped with a controller's leadership epoch. */
    public CompletableFuture<AgentReply> request(String node, AgentRequest request, long epoch) {
        return request(node, request, Map.of(Addresses.KIND, request.kind().name(), Addresses.EPOCH, Long.toString(epoch)));
    }

    private CompletableFuture<AgentReply> request(String node, AgentRequest request, Map<String, String> headers) {
        NetSocket socket = agents.get(node);
        if (socket == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(node + " is not registered"));
        }
        String replyAddress = "__vertx.reply." + replies.incrementAndGet();
        CompletableFuture<AgentReply> reply = new CompletableFuture<>();
        pending.put(replyAddress, reply);
        write(socket, new BridgeFrame(BridgeFrame.MESSAGE, Addresses.commands(node), replyAddress,
                headers, Json.mapper().valueToTree(request), true, null, null, null));
        return reply;
    }

    /** Closes every agent connection, as a controller restart would. */
    public void dropAgents() {
        agents.values().forEach(NetSocket::close);
        agents.clear();
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private void http(HttpServerRequest request) {
        httpRequests.incrementAndGet();
        request.body().onSuccess(body -> {
            try {
                switch (request.path()) {
                    case "/v1/enroll" -> enroll(request, body);
                    case "/v1/renew" -> renew(request, body);
                    default -> request.response().setStatusCode(404).end();
                }
            } catch (Exception e) {
                request.response().setStatusCode(500).end(String.valueOf(e));
            }
        });
    }

    private void enroll(HttpServerRequest request, Buffer body) throws Exception {
        EnrollRequest enroll = Json.mapper().readValue(body.getBytes(), EnrollRequest.class);
        enrollments.add(enroll);
        if (!TOKEN.equals(enroll.token())) {
            refuse(request, "unknown", "no join token with that id and secret; create one with fleet token create");
            return;
        }
        var csr = TestCa.csr(enroll.csr());
        String cn = cn(csr.getSubject());
        if (!cn.equals(tokenNode)) {
            refuse(request, "cn-mismatch", "the CSR names " + cn + " but the token is for " + tokenNode);
            return;
        }
        X509Certificate certificate = certifyAnotherKey
                ? ca.agent(csr.getSubject(), TestCa.ec().getPublic(), Instant.now().minus(certificateBackdate), certificateLife)
                : ca.agent(enroll.csr(), Instant.now().minus(certificateBackdate), certificateLife);
        json(request, 200, new EnrollResponse(cn, chainPem(certificate), TestCa.pem(ca.root()), List.of(bridgeEndpoint())));
    }

    /** The certificate, then the intermediate that issued it when the test CA is one (as a joined controller answers). */
    private String chainPem(X509Certificate certificate) throws Exception {
        StringBuilder pem = new StringBuilder(TestCa.pem(certificate));
        for (X509Certificate intermediate : omitIntermediates ? List.<X509Certificate>of() : ca.intermediates()) {
            pem.append(TestCa.pem(intermediate));
        }
        return pem.toString();
    }

    private void renew(HttpServerRequest request, Buffer body) throws Exception {
        X509Certificate current;
        try {
            current = (X509Certificate) request.connection().peerCertificates().get(0);
        } catch (Exception noCertificate) {
            refuse(request, "certificate-unknown", "renewal needs the current client certificate");
            return;
        }
        String cn = cn(X500Name.getInstance(current.getSubjectX500Principal().getEncoded()));
        renewals.add(cn);
        String answer = renewalAnswers.poll();
        if ("too-early".equals(answer)) {
            refuse(request, "too-early", "renewal opens two thirds into the certificate's life");
            return;
        }
        String csr = Json.mapper().readTree(body.getBytes()).get("csr").asText();
        X509Certificate certificate = ca.agent(csr, Instant.now().minus(Duration.ofMinutes(5)), Duration.ofDays(90));
        json(request, 200, new EnrollResponse(cn, chainPem(certificate), TestCa.pem(ca.root()), List.of(bridgeEndpoint())));
    }


    private static void refuse(HttpServerRequest request, String code, String reason) throws Exception {
        json(request, 403, Map.of("error", code, "reason", reason));
    }

    private static void json(HttpServerRequest request, int status, Object body) throws Exception {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(Json.mapper().writeValueAsBytes(body)));
    }

    private void bridgeConnection(NetSocket socket) {
        bridgeConnections.incrementAndGet();
        String node;
        try {
            X509Certificate peer = (X509Certificate) socket.peerCertificates().get(0);
            node = cn(X500Name.getInstance(peer.getSubjectX500Principal().getEncoded()));
        } catch (Exception e) {
            socket.close();
            return;
        }
        FrameCodec codec = new FrameCodec();
        socket.handler(buffer -> {
            for (BridgeFrame frame : codec.feed(buffer.getBytes())) {
                frame(socket, node, frame);
            }
        });
        socket.closeHandler(v -> agents.remove(node, socket));
    }

    private void frame(NetSocket socket, String node, BridgeFrame frame) {
        switch (frame.type()) {
            case BridgeFrame.PING -> write(socket, new BridgeFrame(BridgeFrame.PONG, null, null, null, null, null, null, null, null));
            case BridgeFrame.REGISTER -> {
                if (Addresses.commands(node).equals(frame.address())) {
                    registrations.add(node + " " + frame.address());
                    agents.put(node, socket);
                } else {
                    refusedRegistrations.add(node + " " + frame.address());
                    write(socket, new BridgeFrame(BridgeFrame.ERR, null, null, null, null, null, "access_denied", null, null));
                }
            }
            case BridgeFrame.SEND -> {
                send(node, frame);
                LinkAdvice given = advice;
                if (given != null && Addresses.HEARTBEAT.equals(frame.address()) && frame.replyAddress() != null) {
                    write(socket, new BridgeFrame(BridgeFrame.MESSAGE, frame.replyAddress(), null, null,
                            Json.mapper().valueToTree(given), true, null, null, null));
                    advised.incrementAndGet();
                }
            }
            default -> {
            }
        }
    }

    private void send(String node, BridgeFrame frame) {
        try {
            if (Addresses.HEARTBEAT.equals(frame.address())) {
                heartbeats.add(Json.mapper().treeToValue(frame.body(), Heartbeat.class));
            } else if (Addresses.EVENTS.equals(frame.address())) {
                events.add(frame.body());
            } else {
                CompletableFuture<AgentReply> reply = pending.remove(frame.address());
                if (reply != null) {
                    reply.complete(Json.mapper().treeToValue(frame.body(), AgentReply.class));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("unreadable frame from " + node + ": " + e.getMessage(), e);
        }
    }

    private static void write(NetSocket socket, BridgeFrame frame) {
        socket.write(Buffer.buffer(FrameCodec.encode(frame)));
    }

    private static String cn(X500Name name) {
        return IETFUtils.valueToString(name.getRDNs(BCStyle.CN)[0].getFirst().getValue());
    }

    /** The JSON of a frame body, for assertions. */
    public static JsonNode tree(Object value) {
        return Json.mapper().valueToTree(value);
    }
}
