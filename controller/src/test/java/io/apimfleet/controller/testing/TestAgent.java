package io.apimfleet.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.Heartbeat;
import io.apimfleet.protocol.link.FrameCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A minimal agent for tests: a TLS NetClient speaking the bridge's frames through
 * {@link FrameCodec}, with a client certificate (or none). Frames the bridge sends are queued
 * for {@link #next}. The NetClient stays referenced for the agent's life (DESIGN.md: an
 * unreferenced NetClient is closed by the garbage collector, with its sockets).
 */
public final class TestAgent implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private final NetClient client;
    private final NetSocket socket;
    private final FrameCodec codec = new FrameCodec();
    private final LinkedBlockingQueue<BridgeFrame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private TestAgent(NetClient client, NetSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.handler(this::received);
        socket.closeHandler(v -> closed.complete(null));
        socket.exceptionHandler(e -> closed.complete(null));
    }

    /**
     * Connects with {@code identity} (null: no client certificate) to {@code 127.0.0.1:port},
     * trusting {@code caPem} and checking the controller's name.
     */
    public static TestAgent connect(Vertx vertx, int port, AgentIdentity identity, String caPem) throws Exception {
        return connect(vertx, "127.0.0.1", port, identity, caPem);
    }

    /** Connects as {@link #connect(Vertx, int, AgentIdentity, String)} does, to {@code host:port}. */
    public static TestAgent connect(Vertx vertx, String host, int port, AgentIdentity identity, String caPem) throws Exception {
        NetClientOptions options = new NetClientOptions()
                .setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem)))
                .setConnectTimeout((int) DEADLINE.toMillis());
        if (identity != null) {
            options.setKeyCertOptions(new PemKeyCertOptions()
                    .addKeyValue(Buffer.buffer(identity.keyPem()))
                    .addCertValue(Buffer.buffer(identity.certificatePem())));
        }
        NetClient client = vertx.createNetClient(options);
        NetSocket socket = client.connect(port, host).toCompletionStage().toCompletableFuture()
                .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        return new TestAgent(client, socket);
    }

    private void received(Buffer chunk) {
        try {
            frames.addAll(codec.feed(chunk.getBytes()));
        } catch (IllegalStateException e) {
            socket.close();
        }
    }

    public void send(BridgeFrame frame) {
        socket.write(Buffer.buffer(FrameCodec.encode(frame)));
    }

    public void register(String address) {
        send(BridgeFrame.register(address));
    }

    public void sendTo(String address, Object body, Map<String, String> headers) {
        send(BridgeFrame.send(address, body == null ? null : Json.mapper().valueToTree(body), null, headers));
    }

    public void publishTo(String address, Object body) {
        send(new BridgeFrame(BridgeFrame.PUBLISH, address, null, null, Json.mapper().valueToTree(body), null, null, null, null));
    }

    /** A heartbeat as the real agent sends it, with {@code headers} (null: none). */
    public void heartbeat(String hostname, Map<String, String> headers) {
        sendTo(Addresses.HEARTBEAT, new Heartbeat(Instant.now(), facts(hostname)), headers);
    }

    public static Facts facts(String hostname) {
        return new Facts(hostname, "Linux 6.1", "17.0.12", "/opt/wso2am-2.2.0", true, "2.2.0", 42L << 30, "running", 3, "0.1.0-test");
    }

    public void ping() {
        send(BridgeFrame.ping());
    }

    /** The next frame the bridge sent, or null when none came within {@code wait} or the connection ended first. */
    public BridgeFrame next(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            BridgeFrame frame = frames.poll(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
            if (frame != null) {
                return frame;
            }
            if (closed.isDone() && frames.isEmpty()) {
                return null;
            }
        }
        return null;
    }

    /** The next frame matching {@code test} within {@link #DEADLINE} (others are dropped), or null. */
    public BridgeFrame next(Predicate<BridgeFrame> test) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            BridgeFrame frame = next(Duration.ofNanos(deadline - System.nanoTime()));
            if (frame == null) {
                return null;
            }
            if (test.test(frame)) {
                return frame;
            }
        }
        return null;
    }

    /** Sends a ping and waits for the pong: every frame sent before it has been handled by the bridge. */
    public boolean roundTrip() throws InterruptedException {
        ping();
        return next(f -> BridgeFrame.PONG.equals(f.type())) != null;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public JsonNode bodyOf(BridgeFrame frame) {
        return frame.body();
    }

    @Override
    public void close() {
        socket.close();
        client.close();
    }
}
