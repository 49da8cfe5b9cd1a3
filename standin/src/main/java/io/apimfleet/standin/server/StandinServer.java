package io.apimfleet.standin.server;

import io.apimfleet.standin.config.ConfigException;
import io.apimfleet.standin.config.Durations;
import io.apimfleet.standin.config.Listener;
import io.apimfleet.standin.config.NodeConfig;
import io.apimfleet.standin.config.Profile;
import io.apimfleet.standin.config.StoreRef;
import io.apimfleet.standin.config.Stores;
import io.apimfleet.standin.config.TlsKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The stand-in product process: checks what would stop API-M from starting, opens the profile's
 * listeners with the node's keys, answers the console path (503 until {@link Health} says
 * healthy, then 200) and {@code /standin/identity}, and stops on SIGTERM.
 */
public final class StandinServer {
    public static final String CONSOLE = "/carbon/admin/login.jsp";
    public static final String IDENTITY = "/standin/identity";
    public static final String PID_FILE = "wso2carbon.pid";
    private static final Duration BIND_DEADLINE = Duration.ofSeconds(20);
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(2);

    private final NodeConfig config;
    private final StandinLog log;
    private Vertx vertx;
    private ScheduledExecutorService scheduler;
    private Health health;

    public StandinServer(NodeConfig config, StandinLog log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Starts everything; returns once listening. Throws {@link ConfigException} on what would break
     * the product (the caller logs it as ERROR and exits non-zero).
     */
    public void start() {
        long started = System.currentTimeMillis();
        log.info("starting profile=" + config.profile().id() + " home=" + config.home() + " host=" + config.host()
                + " offset=" + config.offset() + " start-delay=" + Durations.format(config.startDelay()));
        refuseWebappsOnTrafficManager();
        TlsKey primary = Stores.key(config.primary());
        TrustManagerFactory trust = Stores.trust(config.trust());
        String primaryHash = sha256(primary.certificate().getPublicKey().getEncoded());
        log.info("primary key '" + primary.alias() + "' " + primary.certificate().getSubjectX500Principal().getName()
                + " sha256=" + primaryHash + " from " + config.primary().file());
        writePid();

        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        String identity = "{\"primaryKeySha256\": \"" + primaryHash + "\", \"profile\": \"" + config.profile().id()
                + "\", \"host\": \"" + config.host().replace("\"", "") + "\"}";
        List<Future<?>> binds = new ArrayList<>();
        List<Listener> order = new ArrayList<>(config.profile().listeners());
        for (Listener listener : order) {
            binds.add(listen(listener, identity));
        }
        for (int i = 0; i < binds.size(); i++) {
            Listener listener = order.get(i);
            String address = config.bindAddress().getHostAddress();
            try {
                binds.get(i).toCompletionStage().toCompletableFuture().get(BIND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new ConfigException("cannot listen on " + address + ":" + config.port(listener) + " ("
                        + listener.name().toLowerCase() + "): " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException | InterruptedException e) {
                throw new ConfigException("cannot listen on " + address + ":" + config.port(listener) + " within " + BIND_DEADLINE.toSeconds() + " s");
            }
            log.info("listening " + config.port(listener) + " " + listener.kind().name().toLowerCase() + " on " + address);
        }
        if (!config.startPeers().isEmpty()) {
            log.info("waiting for " + config.startPeers().stream().map(p -> p.role() + " " + p.url()).toList());
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "standin-health");
            t.setDaemon(true);
            return t;
        });
        health = new Health(config.startPeers(), config.laterPeers(), config.startDelay(),
                new Dialler(trust, config.trust().file().getFileName().toString(), primaryHash, DIAL_TIMEOUT), log,
                () -> System.currentTimeMillis() - started);
        health.start(scheduler);
    }

    /** Stops listeners and the health checks; removes nothing from the home. */
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.error("listeners did not close cleanly: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("stopped");
    }

    public boolean healthy() {
        return health != null && health.healthy();
    }

    private Future<?> listen(Listener listener, String identity) {
        String host = config.bindAddress().getHostAddress();
        int port = config.port(listener);
        return switch (listener) {
            case MANAGEMENT -> http(tlsOptions(keyFor(listener)), port, host, request -> management(request, identity));
            case PASSTHROUGH_HTTPS -> http(tlsOptions(keyFor(listener)), port, host, StandinServer::noApi);
            case PASSTHROUGH_HTTP -> http(new HttpServerOptions(), port, host, StandinServer::noApi);
            case THROTTLE_AUTH -> vertx.createNetServer(new NetServerOptions().setSsl(true)
                            .setKeyCertOptions(KeyCertOptions.wrap(keyFor(listener).keyManagers())).setIdleTimeout(30))
                    .connectHandler(socket -> { }).listen(port, host);
            case THRIFT, THROTTLE_RECEIVER, JMS -> vertx.createNetServer(new NetServerOptions().setIdleTimeout(30))
                    .connectHandler(socket -> { }).listen(port, host);
        };
    }

    private Future<HttpServer> http(HttpServerOptions options, int port, String host, io.vertx.core.Handler<HttpServerRequest> handler) {
        return vertx.createHttpServer(options).requestHandler(handler).listen(port, host);
    }

    private static HttpServerOptions tlsOptions(TlsKey key) {
        HttpServerOptions options = new HttpServerOptions();
        options.setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(key.keyManagers()));
        return options;
    }

    /** Which store each TLS listener presents, as the product's config files say. */
    private TlsKey keyFor(Listener listener) {
        StoreRef ref = switch (listener) {
            case MANAGEMENT -> config.managementTls();
            case PASSTHROUGH_HTTPS -> {
                if (config.passThroughTls() == null) {
                    throw new ConfigException(config.home().resolve(NodeConfig.AXIS2) + " has no transportReceiver name=\"https\" with a keystore,"
                            + " which the " + config.profile().id() + " profile needs for port " + config.port(listener));
                }
                yield config.passThroughTls();
            }
            case THROTTLE_AUTH -> config.dataBridgeTls();
            default -> throw new IllegalArgumentException(listener + " is not TLS");
        };
        TlsKey key = Stores.key(ref);
        log.info("port " + config.port(listener) + " presents " + key.certificate().getSubjectX500Principal().getName()
                + " (alias '" + key.alias() + "' of " + ref.file() + ")");
        return key;
    }

    private void management(HttpServerRequest request, String identity) {
        String path = request.path();
        if (CONSOLE.equals(path)) {
            boolean up = healthy();
            request.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "text/html")
                    .end(up ? "<html><title>WSO2 API Manager (stand-in)</title><body>Sign in</body></html>"
                            : "<html><body>Carbon is starting</body></html>");
        } else if (IDENTITY.equals(path)) {
            request.response().putHeader("Content-Type", "application/json").end(identity);
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    private static void noApi(HttpServerRequest request) {
        request.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("no API deployed at " + request.path() + "\n");
    }

    /** The Traffic Manager recipe removes every web application: one left means the home was not prepared. */
    private void refuseWebappsOnTrafficManager() {
        if (config.profile() != Profile.TRAFFIC_MANAGER) {
            return;
        }
        Path webapps = config.home().resolve(NodeConfig.WEBAPPS);
        if (!Files.isDirectory(webapps)) {
            return;
        }
        try (Stream<Path> files = Files.list(webapps)) {
            List<String> wars = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".war")).sorted().toList();
            if (!wars.isEmpty()) {
                throw new ConfigException("traffic-manager profile: " + webapps + " still holds " + wars.size()
                        + " .war file(s) " + wars + "; a Traffic Manager runs no web applications (remove them all)");
            }
        } catch (IOException e) {
            throw new ConfigException("cannot list " + webapps + ": " + e.getMessage(), e);
        }
    }

    private void writePid() {
        Path pid = config.home().resolve(PID_FILE);
        try {
            Files.writeString(pid, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new ConfigException("cannot write " + pid + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
