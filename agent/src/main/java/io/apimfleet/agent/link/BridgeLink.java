package io.apimfleet.agent.link;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.apimfleet.agent.enroll.BridgeEndpoints;
import io.apimfleet.agent.enroll.Endpoint;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.Addresses;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.FrameCodec;
import io.apimfleet.protocol.link.Heartbeat;
import io.apimfleet.protocol.link.LinkAdvice;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's end of the controller's TCP event-bus bridge: one mutual-TLS connection (the
 * agent's certificate, trusting only the fleet CA, host name checked) over which it registers
 * its command address, heartbeats, pings, and answers requests on the reply address it is given.
 * A lost link never touches the product: the link reconnects with {@link Backoff}, trying the
 * endpoints in turn, and logs one line per change; a link that was up and is lost goes to another
 * controller's endpoint at once (see {@link #failOver}). The controller's advice may name a new
 * list of endpoints: it is used from the next connection on and handed to
 * {@link #onNewEndpoints} to be kept. Everything runs on one event-loop context;
 * blocking work (facts, bundles) is done elsewhere and comes back as futures.
 *
 * <p>The link counts as up at the first pong after connecting: with TLS 1.3 a refused client
 * certificate shows only at the first read, so a completed connect proves nothing. A pong to the
 * ping sent right after a heartbeat means the heartbeat was taken, and resets the backoff.
 */
public final class BridgeLink {
    private final AtomicLong heartbeatsSent = new AtomicLong();
    private volatile Runnable onConnected = () -> { };
    private volatile Function<List<Endpoint>, Future<Void>> onNewEndpoints = list -> Future.succeededFuture();
    private static final ObjectReader REQUESTS = Json.mapper().readerFor(AgentRequest.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader ADVICE = Json.mapper().readerFor(LinkAdvice.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** The first heartbeat on each connection asks for the controller's advice, then one in this many (every 5 min by default). */
    static final int ADVICE_EVERY = 60;

    private final Vertx vertx;
    /** Referenced for the agent's whole life: an unreferenced NetClient is closed by the GC, with its sockets. */
    private final NetClient client;
    private final Context context;
    private final String node;
    private final String commands;
    private final String advice;
    /** Where to connect, tried in turn; replaced (on {@code context}) when the controller names others. */
    private volatile List<Endpoint> endpoints;
    /** The bridge endpoints of the last advice that named any, as given (touched on the event loop only). */
    private List<String> lastAdvisedEndpoints;
    private final Supplier<ClientSSLOptions> tls;
    private final Supplier<Future<Facts>> facts;
    private final Function<AgentRequest, Future<AgentReply>> requests;
    private final EpochFence fence;
    private final LinkSettings settings;
    private final Clock clock;
    private final Backoff backoff;
    private final Random random;
    private final Consumer<String> log;

    // Event-loop state: touched only on `context`.
    private NetSocket socket;
    private Endpoint endpoint;
    private long connectedAtNanos;
    private long lastHeardNanos;
    private String lastError;
    private String droppedBecause;
    private boolean pingAfterHeartbeat;
    private boolean gathering;
    private int heartbeatsOnConnection;
    private long tickTimer = -1;
    private long retryTimer = -1;
    private int attempt;
    private boolean stopped;
    /** Events sent while the link is down, flushed when it comes up; the oldest go first when full. */
    private final java.util.ArrayDeque<BridgeFrame> pendingEvents = new java.util.ArrayDeque<>();
    static final int MAX_PENDING_EVENTS = 100;
    private volatile boolean up;
    private volatile Duration reconnectSpread;
    private volatile int connections;

    public BridgeLink(Vertx vertx, String node, List<Endpoint> endpoints, Supplier<ClientSSLOptions> tls,
                      Supplier<Future<Facts>> facts, Function<AgentRequest, Future<AgentReply>> requests, EpochFence fence,
                      LinkSettings settings, Clock clock, Random random, Consumer<String> log) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no bridge endpoint to connect to");
        }
        this.vertx = vertx;
        this.node = node;
        this.commands = Addresses.commands(node);
        this.advice = Addresses.advice(node);
        this.endpoints = List.copyOf(endpoints);
        this.tls = tls;
        this.facts = facts;
        this.requests = requests;
        this.fence = fence;
        this.settings = settings;
        this.clock = clock;
        this.backoff = new Backoff(settings.backoffBase(), settings.backoffMax(), random);
        this.random = random;
        this.reconnectSpread = settings.backoffBase();
        this.log = log;
        int timeout = (int) settings.connectTimeout().toMillis();
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout(timeout)
                .setSslHandshakeTimeout(timeout).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpKeepAlive(true)
                .setTcpNoDelay(true));
        this.context = vertx.getOrCreateContext();
    }

    /** Starts connecting; returns at once. */
    public void start() {
        context.runOnContext(v -> connect());
    }

    /** Closes the connection and stops reconnecting. */
    public Future<Void> stop() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            stopped = true;
            cancel(retryTimer);
            cancel(tickTimer);
            retryTimer = -1;
            tickTimer = -1;
            NetSocket open = socket;
            Future<Void> closing = open == null ? Future.succeededFuture() : open.close();
            closing.transform(ignored -> client.close()).onComplete(ar -> done.complete());
        });
        return done.future();
    }

    /**
     * Sends an event {@code {type, fields}} to the controller's {@link Addresses#EVENTS}; while the
     * link is down up to {@value #MAX_PENDING_EVENTS} wait for it to come up. Any thread.
     */
    public void sendEvent(String type, java.util.Map<String, Object> fields) {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("type", type);
        body.put("fields", fields);
        BridgeFrame frame = BridgeFrame.send(Addresses.EVENTS, Json.mapper().valueToTree(body), null, null);
        context.runOnContext(v -> {
            if (stopped) {
                return;
            }
            if (up && socket != null) {
                write(socket, frame);
                return;
            }
            if (pendingEvents.size() >= MAX_PENDING_EVENTS) {
                pendingEvents.removeFirst();
            }
            pendingEvents.addLast(frame);
        });
    }

    /** Runs on the link's event loop each time the link comes up (a controller that restarted knows nothing yet). */
    public void onConnected(Runnable action) {
        this.onConnected = action;
    }

    /**
     * Runs on the link's event loop when the controller's advice names a list of bridge endpoints
     * other than the one in use (the link uses it from the next connection on); the future tells
     * whether it was kept, and a failure is logged.
     */
    public void onNewEndpoints(Function<List<Endpoint>, Future<Void>> action) {
        this.onNewEndpoints = action;
    }

    /** The bridge endpoints the link tries, in order. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** Heartbeats written since the link started (for the agent's metrics). */
    public long heartbeatsSent() {
        return heartbeatsSent.get();
    }

    /** The smallest window reconnection delays are drawn from, as the controller last advised (the backoff base before any advice). */
    public Duration reconnectSpread() {
        return reconnectSpread;
    }

    /** True while connected and answered (a pong came back). */
    public boolean isUp() {
        return up;
    }

    /** How many times the link came up. */
    public int connections() {
        return connections;
    }

    private void connect() {
        retryTimer = -1;
        if (stopped) {
            return;
        }
        List<Endpoint> list = endpoints;
        Endpoint target = list.get(Math.floorMod(attempt++, list.size()));
        ClientSSLOptions ssl;
        try {
            ssl = tls.get();
        } catch (RuntimeException e) {
            retry("cannot load this agent's identity: " + e.getMessage());
            return;
        }
        ConnectOptions options = new ConnectOptions().setHost(target.host()).setPort(target.port())
                .setSsl(true).setSslOptions(ssl).setTimeout((int) settings.connectTimeout().toMillis());
        client.connect(options).onComplete(ar -> {
            if (ar.succeeded()) {
                opened(ar.result(), target);
            } else {
                retry("cannot connect to " + target + ": " + describe(ar.cause()));
            }
        });
    }

    private void opened(NetSocket s, Endpoint target) {
        if (stopped) {
            s.close();
            return;
        }
        socket = s;
        endpoint = target;
        connectedAtNanos = System.nanoTime();
        lastHeardNanos = connectedAtNanos;
        lastError = null;
        droppedBecause = null;
        pingAfterHeartbeat = false;
        heartbeatsOnConnection = 0;
        FrameCodec codec = new FrameCodec();
        s.handler(buffer -> {
            if (socket != s) {
                return;
            }
            List<BridgeFrame> frames;
            try {
                frames = codec.feed(buffer.getBytes());
            } catch (IllegalStateException e) {
                drop(s, "unreadable frame from the controller: " + e.getMessage());
                return;
            }
            for (BridgeFrame frame : frames) {
                if (socket == s) {
                    received(s, frame);
                }
            }
        });
        s.exceptionHandler(e -> {
            if (socket == s && lastError == null) {
                lastError = describe(e);
            }
        });
        s.closeHandler(v -> closed(s));
        write(s, BridgeFrame.register(commands));
        write(s, BridgeFrame.ping());
        heartbeat(s);
        tickTimer = vertx.setPeriodic(settings.heartbeatInterval().toMillis(), id -> tick(s));
    }

    private void tick(NetSocket s) {
        if (socket != s) {
            return;
        }
        long silentFor = System.nanoTime() - lastHeardNanos;
        if (silentFor > settings.silenceLimit().toNanos()) {
            drop(s, "nothing heard from the controller for " + seconds(Duration.ofNanos(silentFor)));
            return;
        }
        heartbeat(s);
    }

    private void heartbeat(NetSocket s) {
        if (gathering) {
            return;   // the last heartbeat's facts are still being gathered (a slow disk): skip this one
        }
        gathering = true;
        facts.get().onComplete(ar -> {
            gathering = false;
            if (socket != s) {
                return;
            }
            if (ar.failed()) {
                log.accept("link: cannot gather facts for the heartbeat: " + describe(ar.cause()));
            }
            Heartbeat heartbeat = new Heartbeat(clock.instant(), ar.succeeded() ? ar.result() : null);
            String replyTo = heartbeatsOnConnection++ % ADVICE_EVERY == 0 ? advice : null;
            write(s, BridgeFrame.send(Addresses.HEARTBEAT, Json.mapper().valueToTree(heartbeat), replyTo, null));
            heartbeatsSent.incrementAndGet();
            write(s, BridgeFrame.ping());
            pingAfterHeartbeat = true;
        });
    }

    private void received(NetSocket s, BridgeFrame frame) {
        lastHeardNanos = System.nanoTime();
        String type = frame.type() == null ? "" : frame.type();
        switch (type) {
            case BridgeFrame.PONG -> {
                if (!up) {
                    up = true;
                    connections++;
                    log.accept("link: connected to " + endpoint + " as " + node);
                    while (!pendingEvents.isEmpty()) {
                        write(s, pendingEvents.removeFirst());
                    }
                    onConnected.run();
                }
                if (pingAfterHeartbeat) {
                    pingAfterHeartbeat = false;
                    backoff.reset();
                }
            }
            case BridgeFrame.MESSAGE -> message(s, frame);
            case BridgeFrame.ERR -> {
                String why = frame.message() == null ? "(no reason given)" : frame.message();
                if (!up) {
                    drop(s, "the controller refused this agent: " + why);
                } else {
                    log.accept("link: the controller refused a frame: " + why);
                }
            }
            default -> {
                // other frame types are not for agents
            }
        }
    }

    private void message(NetSocket s, BridgeFrame frame) {
        if (advice.equals(frame.address())) {
            advised(frame);
            return;
        }
        if (!commands.equals(frame.address())) {
            return;
        }
        String replyTo = frame.replyAddress();
        if (replyTo == null) {
            log.accept("link: ignored a request without a reply address");
            return;
        }
        AgentRequest request;
        try {
            request = REQUESTS.treeToValue(frame.body(), AgentRequest.class);
            if (request == null || request.kind() == null) {
                throw new IllegalArgumentException("no kind");
            }
        } catch (Exception e) {
            reply(s, replyTo, "unreadable", AgentReply.refused("unreadable request: " + describe(e)));
            return;
        }
        String kind = request.kind().name().toLowerCase(Locale.ROOT);
        long epoch = epochOf(frame);
        OptionalLong admitted = fence.admit(epoch);
        if (admitted.isEmpty()) {
            log.accept("link: refused a " + kind + " request from leadership epoch " + epoch + " (newest seen: " + fence.newest() + ")");
            reply(s, replyTo, kind, AgentReply.refused(fence.refusal(epoch)));
            return;
        }
        Future<Void> recorded = admitted.getAsLong() == 0 ? Future.succeededFuture()
                : vertx.executeBlocking(() -> {
                    fence.persist(admitted.getAsLong());
                    return null;
                }, true);   // ordered: two newer epochs in a row are written in the order they came, the newest last
        Future<AgentReply> answer = recorded.compose(v -> {
            try {
                return requests.apply(request);
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        });
        answer.onComplete(ar -> reply(s, replyTo, kind,
                ar.succeeded() ? ar.result() : AgentReply.refused("the agent failed: " + describe(ar.cause()))));
    }

    private void advised(BridgeFrame frame) {
        try {
            LinkAdvice given = ADVICE.treeToValue(frame.body(), LinkAdvice.class);
            if (given != null && given.reconnectSpreadMillis() > 0) {
                backoff.spreadOver(given.reconnectSpread());
                reconnectSpread = backoff.spread();
            }
            if (given != null && given.bridgeEndpoints() != null && !given.bridgeEndpoints().equals(lastAdvisedEndpoints)) {
                // an advice comes with every connection and every 5 min: the same list again changes nothing and logs nothing
                lastAdvisedEndpoints = List.copyOf(given.bridgeEndpoints());
                useEndpoints(BridgeEndpoints.parse(given.bridgeEndpoints(), line -> log.accept("link: " + line)));
            }
        } catch (Exception e) {
            log.accept("link: ignored unreadable advice from the controller: " + describe(e));
        }
    }

    /**
     * Takes the endpoints the controller named, first, and keeps after them the known ones it left
     * out ({@link BridgeEndpoints#merged}), when that makes a new list (an absent or empty one changes nothing).
     */
    private void useEndpoints(List<Endpoint> advised) {
        List<Endpoint> given = BridgeEndpoints.merged(advised, endpoints);
        if (advised.isEmpty() || given.equals(endpoints)) {
            return;
        }
        endpoints = given;
        log.accept("link: the controller names " + given.size() + " bridge endpoint" + (given.size() == 1 ? "" : "s") + ": "
                + String.join(", ", BridgeEndpoints.texts(given)) + "; used from the next connection on");
        Future<Void> kept;
        try {
            kept = onNewEndpoints.apply(given);
        } catch (RuntimeException e) {
            kept = Future.failedFuture(e);
        }
        kept.onFailure(e -> log.accept("link: cannot keep the new bridge endpoints in controller.json: " + describe(e)));
    }

    /** The request's leadership epoch ({@link Addresses#EPOCH}); 0 when absent, and when unreadable (so refused once any epoch was seen). */
    private static long epochOf(BridgeFrame frame) {
        String value = frame.headers() == null ? null : frame.headers().get(Addresses.EPOCH);
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void reply(NetSocket s, String replyTo, String kind, AgentReply reply) {
        if (socket != s) {
            log.accept("link: the answer to a " + kind + " request is lost: the connection it came on is gone");
            return;
        }
        write(s, BridgeFrame.send(replyTo, Json.mapper().valueToTree(reply), null, null));
    }

    private void write(NetSocket s, BridgeFrame frame) {
        s.write(Buffer.buffer(FrameCodec.encode(frame)));
    }

    private void drop(NetSocket s, String reason) {
        if (socket == s && droppedBecause == null) {
            droppedBecause = reason;
        }
        s.close();
    }

    private void closed(NetSocket s) {
        if (socket != s) {
            return;
        }
        socket = null;
        cancel(tickTimer);
        tickTimer = -1;
        boolean wasUp = up;
        up = false;
        Duration lived = Duration.ofNanos(System.nanoTime() - connectedAtNanos);
        if (lived.compareTo(settings.stableAfter()) > 0) {
            backoff.reset();
        }
        if (stopped) {
            log.accept("link: disconnected from " + endpoint);
            return;
        }
        if (wasUp) {
            String reason = droppedBecause != null ? droppedBecause : lastError != null ? lastError : "closed by the controller";
            String lost = "lost " + endpoint + " after " + seconds(lived) + ": " + reason;
            if (endpoints.size() > 1) {
                failOver(lost);
            } else {
                retry(lost);
            }
        } else if (droppedBecause != null) {
            retry("gave up on " + endpoint + ": " + droppedBecause);
        } else if (lastError == null || lastError.contains("certificate")) {
            // with TLS 1.3 the server refuses a client certificate after the client's handshake is done
            retry(endpoint + " closed the connection before answering"
                    + (lastError == null ? "" : ": " + lastError) + " (did it refuse this agent's certificate?)");
        } else {
            retry(endpoint + " closed the connection before answering: " + lastError);
        }
    }

    private void retry(String what) {
        if (stopped) {
            return;
        }
        Duration delay = backoff.next();
        log.accept("link: " + what + "; retrying in " + seconds(delay));
        retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> connect());
    }

    /**
     * After losing a link that was up, with other controllers to go to: the next attempt goes to
     * one of the others, picked at random, within the backoff base (1 s by default) rather than
     * the advised spread. The spread is there so that a controller that restarts does not meet its
     * whole fleet at once; a failover target is already up, takes only its share of the lost
     * controller's agents (the random pick splits them over all the others), and its bridge turns
     * away at once the handshakes beyond its rate ({@code LinkAdvice.RECONNECTS_PER_SECOND}): an
     * agent turned away, or whose pick is down too, is back on the usual backoff, spread and all.
     * A lone controller's agents (one endpoint) wait out the spread as before.
     */
    private void failOver(String what) {
        List<Endpoint> list = endpoints;
        int at = list.indexOf(endpoint);
        attempt = at < 0 ? random.nextInt(list.size()) : at + 1 + random.nextInt(list.size() - 1);
        Duration delay = Duration.ofMillis(random.nextLong(settings.backoffBase().toMillis() + 1));
        log.accept("link: " + what + "; failing over to " + list.get(Math.floorMod(attempt, list.size())) + " in " + seconds(delay));
        retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> connect());
    }

    private void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** The most telling message of a failure: its deepest cause's, with the class when there is no message. */
    public static String describe(Throwable e) {
        Throwable deepest = e;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getMessage();
        }
        return message == null || message.isBlank() ? deepest.getClass().getSimpleName() : message;
    }
}
