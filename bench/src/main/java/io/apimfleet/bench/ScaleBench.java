package io.apimfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.agent.enroll.CaPin;
import io.apimfleet.agent.enroll.Endpoint;
import io.apimfleet.agent.enroll.Identity;
import io.apimfleet.agent.enroll.Join;
import io.apimfleet.agent.link.BridgeLink;
import io.apimfleet.agent.link.EpochFence;
import io.apimfleet.agent.link.LinkSettings;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.Facts;
import io.apimfleet.protocol.link.LinkAdvice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;

/**
 * Simulated agents at scale (issue 10, item 2), against a real controller process of the built
 * distribution that this program starts (and restarts) itself. Each simulated agent is enrolled with
 * the agent's own join code ({@link Join#joinInMemory}: its own EC key, CSR, join token, certificate
 * from the fleet CA) and connected with the agent's own {@link BridgeLink} (mutual TLS, host name
 * checked, heartbeats every 5 s, reconnection with backoff); all of them share one Vert.x instance.
 * Only what a real agent does on its host is left out: facts are a fixed record, and every request
 * but FACTS is refused.
 *
 * <p>For each size (default 100, 1,000, 10,000) it enrolls the agents still missing, connects
 * them, then measures: broadcast (POST /v1/agents/ping, a FACTS request to every connected agent,
 * answered when all replied), request/reply to one agent, the controller's RSS and heap, and its CPU
 * while idle with every agent heartbeating. At the largest size reached it restarts the controller
 * and times the agents' reconnections. Figures go to {@code --out} as Markdown lines, raw data to
 * {@code --work}. Every loop is bounded in count and time; every wait has a deadline. Join tokens and
 * keys are never printed.
 */
public final class ScaleBench {
    private static final Pattern JOIN_LINE = Pattern.compile(
            "fleet-agent join --controller (\\S+) --node (\\S+) --token (\\S+) --ca-hash (sha256:[0-9a-f]{64})");
    private static final Pattern HEAP = Pattern.compile("(generation|heap)\\s+total (\\d+)K, used (\\d+)K");

    private final Map<String, String> args;
    private final Path dist;
    private final Path state;
    private final Path work;
    private final String host;
    private final int apiPort;
    private final int bridgePort;
    private final long deadlineNanos;
    private final List<String> figures = new ArrayList<>();
    private final Map<String, String> goals = new LinkedHashMap<>();
    private final PrintWriter log;

    private Process controller;
    private ControllerClient admin;
    private Vertx vertx;
    private X509Ca ca;
    private final List<SimAgent> agents = new ArrayList<>();
    private final Map<String, AtomicInteger> linkMessages = new ConcurrentHashMap<>();
    /** From the controller's restart on: per second, connection attempts refused or failed, and links up (from the links' own log lines). */
    private volatile long restartNanos;
    private final java.util.concurrent.atomic.AtomicIntegerArray failedAttempts = new java.util.concurrent.atomic.AtomicIntegerArray(600);
    private final java.util.concurrent.atomic.AtomicIntegerArray linksUp = new java.util.concurrent.atomic.AtomicIntegerArray(600);

    private record X509Ca(java.security.cert.X509Certificate certificate, TrustManagerFactory trust) {
    }

    /** One simulated agent: its identity, its link, and when its link last came up. */
    private static final class SimAgent {
        final String node;
        final Identity identity;
        BridgeLink link;
        volatile long lastUpNanos;
        final AtomicInteger ups = new AtomicInteger();

        SimAgent(String node, Identity identity) {
            this.node = node;
            this.identity = identity;
        }
    }

    private ScaleBench(Map<String, String> args) throws IOException {
        this.args = args;
        this.dist = Path.of(required("dist"));
        this.state = Path.of(required("state"));
        this.work = Path.of(required("work"));
        this.host = args.getOrDefault("host", "127.0.3.1");
        this.apiPort = Integer.parseInt(required("api-port"));
        this.bridgePort = Integer.parseInt(required("bridge-port"));
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args.getOrDefault("budget-secs", "1500")));
        Files.createDirectories(work);
        this.log = new PrintWriter(Files.newBufferedWriter(work.resolve("scale.log"), StandardCharsets.UTF_8), true);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : argv) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("arguments are --name=value, not " + a);
            }
            args.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        ScaleBench bench = new ScaleBench(args);
        int status = 0;
        try {
            bench.run();
        } catch (Exception | Error e) {
            bench.say("failed: " + e);
            e.printStackTrace(bench.log);
            bench.figures.add("- the scale run stopped early: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            status = 1;
        } finally {
            bench.shutdown();
            bench.write();
        }
        System.exit(status);
    }

    // ------------------------------------------------------------------ the run

    private void run() throws Exception {
        List<Integer> sizes = Arrays.stream(args.getOrDefault("sizes", "100,1000,10000").split(",")).map(String::strip)
                .map(Integer::parseInt).toList();
        Map<String, String> tokens = readTokens(Path.of(required("tokens")));
        say("tokens for " + tokens.size() + " nodes; sizes " + sizes);

        long t0 = System.nanoTime();
        startController();
        figures.add(String.format(Locale.ROOT, "- controller (`fleet controller run`, `FLEET_JAVA_OPTS=%s`) up and answering in %.2f s; "
                + "%d join tokens made beforehand in one `fleet token create --count` (%s s)", controllerOpts(),
                seconds(System.nanoTime() - t0), tokens.size(), args.getOrDefault("token-secs", "?")));
        URI api = URI.create("https://" + host + ":" + apiPort);
        ca = pinnedCa(api, CaPin.parse(args.get("ca-hash")));
        HttpClient enrollHttp = Join.enrollClient(ca.certificate());
        int loops = Integer.parseInt(args.getOrDefault("event-loops", "2"));
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(8));

        gcAndSettle();
        long rss0 = rssKb(controller.pid());
        long heap0 = heapUsedKb(controller.pid());
        figures.add(String.format(Locale.ROOT, "- controller with no agent connected: RSS %.1f MB, heap used after a full GC %.1f MB", rss0 / 1024.0, heap0 / 1024.0));

        List<String> nodes = new ArrayList<>(tokens.keySet());
        int largest = 0;
        for (int size : sizes) {
            if (size > nodes.size()) {
                figures.add("- " + size + " agents: not measured, only " + nodes.size() + " join tokens");
                break;
            }
            if (remainingSecs() < 60) {
                figures.add("- " + size + " agents: not measured, out of the time budget (" + args.getOrDefault("budget-secs", "1500") + " s)");
                break;
            }
            say("size " + size + ": enrolling " + (size - agents.size()) + " [" + remainingSecs() + " s left]");
            enroll(api, enrollHttp, nodes.subList(agents.size(), size), tokens, size);
            if (agents.size() < size) {
                figures.add("- " + size + " agents: only " + agents.size() + " enrolled; stopped");
                break;
            }
            say("size " + size + ": connecting");
            if (!connect(size)) {
                break;
            }
            largest = size;
            // the largest size's idle window is the one that counts (4,000 heartbeats a second at 10,000); the smaller ones' is shorter
            boolean last = size == sizes.get(sizes.size() - 1);
            measure(size, rss0, heap0, Integer.parseInt(last ? args.getOrDefault("idle-secs", "30") : args.getOrDefault("idle-secs-smaller", "20")));
        }
        if (largest > 0 && !Boolean.parseBoolean(args.getOrDefault("restart", "true"))) {
            figures.add("- reconnection after a controller restart: not measured (--restart=false)");
        } else if (largest > 0 && remainingSecs() > 120) {
            restart(largest);
        } else if (largest > 0) {
            figures.add("- reconnection after a controller restart: not measured, out of the time budget");
        }
    }

    // ------------------------------------------------------------------ enrollment

    private void enroll(URI api, HttpClient http, List<String> batch, Map<String, String> tokens, int size) throws Exception {
        int parallel = Integer.parseInt(args.getOrDefault("enroll-parallel", "8"));
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<java.util.concurrent.Future<SimAgent>> results = new ArrayList<>();
        double[] latencies = new double[batch.size()];
        AtomicInteger done = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        for (String node : batch) {
            String token = tokens.get(node);
            results.add(pool.submit(() -> {
                if (remainingSecs() < 30) {
                    return null;
                }
                long started = System.nanoTime();
                try {
                    Identity identity = Join.joinInMemory(http, api, token, ca.certificate(), node);
                    latencies[done.getAndIncrement()] = (System.nanoTime() - started) / 1e6;
                    return new SimAgent(node, identity);
                } catch (RuntimeException e) {
                    failures.computeIfAbsent(String.valueOf(e.getMessage()), k -> new AtomicInteger()).incrementAndGet();
                    return null;
                }
            }));
        }
        pool.shutdown();
        pool.awaitTermination(Math.max(1, remainingSecs() - 20), TimeUnit.SECONDS);
        pool.shutdownNow();
        double secs = seconds(System.nanoTime() - t0);
        int enrolled = 0;
        for (var f : results) {
            SimAgent agent = null;
            if (f.isDone() && !f.isCancelled()) {
                try {
                    agent = f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    agent = null;
                }
            }
            if (agent != null) {
                agents.add(agent);
                enrolled++;
            }
        }
        double[] sorted = Arrays.copyOf(latencies, done.get());
        Arrays.sort(sorted);
        double rate = enrolled / secs;
        figures.add(String.format(Locale.ROOT, "- **enrollment, agents %d to %d: %.0f agents/s** (%d enrolled in %.2f s, %d parallel clients, "
                        + "each: EC P-256 key, CSR, `POST /v1/enroll` with its join token, certificate checked; latency p50 %.0f ms, p99 %.0f ms)%s",
                size - batch.size() + 1, size, rate, enrolled, secs, parallel, pct(sorted, 50), pct(sorted, 99),
                failures.isEmpty() ? "" : "; failures: " + failures));
        goals.put("enroll-" + size, String.format(Locale.ROOT, "%.0f", rate));
        say(String.format(Locale.ROOT, "enrolled %d in %.1f s (%.0f/s)", enrolled, secs, rate));
    }

    // ------------------------------------------------------------------ connecting

    private boolean connect(int size) throws Exception {
        int batchSize = Integer.parseInt(args.getOrDefault("connect-batch", "250"));
        List<Endpoint> endpoints = List.of(new Endpoint(host, bridgePort));
        LinkSettings settings = LinkSettings.defaults();
        long t0 = System.nanoTime();
        int first = (int) agents.stream().filter(a -> a.link != null).count();
        for (int from = first; from < size; from += batchSize) {
            List<SimAgent> batch = agents.subList(from, Math.min(size, from + batchSize));
            for (SimAgent agent : batch) {
                ClientSSLOptions tls = new ClientSSLOptions()
                        .setKeyCertOptions(KeyCertOptions.wrap(agent.identity.keyManagers()))
                        .setTrustOptions(TrustOptions.wrap(ca.trust()))
                        .setHostnameVerificationAlgorithm("HTTPS");
                Facts facts = new Facts(agent.node + ".sim", "Linux", "17", null, false, null, 0, null, 0, "bench");
                Future<Facts> factsNow = Future.succeededFuture(facts);
                AgentReply factsReply = new AgentReply(true, null, facts, null, null);
                agent.link = new BridgeLink(vertx, agent.node, endpoints, () -> tls, () -> factsNow,
                        request -> Future.succeededFuture(request.kind() == AgentRequest.Kind.FACTS ? factsReply
                                : AgentReply.refused("a simulated agent answers facts only")),
                        EpochFence.in(Files.createDirectories(work.resolve("agents").resolve(agent.node))), settings, Clock.systemUTC(), new Random(), this::linkLog);
                agent.link.onConnected(() -> {
                    agent.lastUpNanos = System.nanoTime();
                    agent.ups.incrementAndGet();
                });
                agent.link.start();
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < until && batch.stream().anyMatch(a -> !a.link.isUp())) {
                Thread.sleep(50);
            }
            long down = batch.stream().filter(a -> !a.link.isUp()).count();
            if (down > 0) {
                figures.add("- " + size + " agents: " + down + " of a batch of " + batch.size() + " links not up within 90 s; link messages: " + linkSummary());
                return false;
            }
        }
        double connectSecs = seconds(System.nanoTime() - t0);
        // the controller counts an agent from its first heartbeat: wait until it sees them all
        int seen = awaitConnected(size, Duration.ofSeconds(60));
        figures.add(String.format(Locale.ROOT, "- %d agents connected (links up, %d at a time: TLS handshake with client certificate, "
                + "register, first heartbeat and pong) in %.2f s from agent %d; the controller counts %d connected", size, batchSize,
                connectSecs, first + 1, seen));
        return seen >= size;
    }

    private int awaitConnected(int size, Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        int seen = 0;
        while (System.nanoTime() < until) {
            seen = connectedCount();
            if (seen >= size) {
                break;
            }
            Thread.sleep(500);
        }
        return seen;
    }

    // ------------------------------------------------------------------ measuring one size

    private void measure(int size, long rss0, long heap0, int idle) throws Exception {
        Thread.sleep(3000);   // past the connection burst: heartbeats spread over their 5 s
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "20"));
        // one round first, not counted: the first request of a controller's leadership epoch makes every agent write it down
        JsonNode warm = ping("");
        log.println("warm-up broadcast at " + size + ": " + warm);
        List<Double> wall = new ArrayList<>();
        List<Double> inController = new ArrayList<>();
        int incomplete = 0;
        for (int r = 0; r < rounds && remainingSecs() > 60; r++) {
            long t0 = System.nanoTime();
            JsonNode result = ping("");
            double ms = (System.nanoTime() - t0) / 1e6;
            if (result == null || result.path("answered").asInt() < size) {
                incomplete++;
                log.println("broadcast round " + r + ": " + result);
                continue;
            }
            wall.add(ms);
            inController.add(result.path("millis").asDouble());
        }
        double[] w = sorted(wall);
        double[] c = sorted(inController);
        figures.add(String.format(Locale.ROOT, "- **broadcast to %d agents acknowledged by all: p50 %.0f ms, p99 %.0f ms** (%d rounds%s; "
                        + "`POST /v1/agents/ping` wall time at the client; in the controller, first request to last reply: p50 %.0f ms, p99 %.0f ms, max %.0f ms)",
                size, pct(w, 50), pct(w, 99), w.length, incomplete == 0 ? "" : ", " + incomplete + " more not answered by every agent",
                pct(c, 50), pct(c, 99), c.length == 0 ? 0 : c[c.length - 1]));
        goals.put("broadcast-p99-" + size, String.format(Locale.ROOT, "%.0f", pct(w, 99)));
        goals.put("broadcast-p50-" + size, String.format(Locale.ROOT, "%.0f", pct(w, 50)));

        int samples = Integer.parseInt(args.getOrDefault("latency-samples", "200"));
        List<Double> one = new ArrayList<>();
        List<Double> oneWall = new ArrayList<>();
        Random random = new Random(size);
        for (int i = 0; i < samples && remainingSecs() > 60; i++) {
            String node = agents.get(random.nextInt(size)).node;
            long t0 = System.nanoTime();
            JsonNode result = ping("?node=" + node);
            if (result != null && result.path("answered").asInt() == 1) {
                oneWall.add((System.nanoTime() - t0) / 1e6);
                one.add(result.path("millis").asDouble());
            }
        }
        double[] o = sorted(one);
        double[] ow = sorted(oneWall);
        figures.add(String.format(Locale.ROOT, "- request/reply to one agent (a FACTS request over the bridge, timed in the controller) with %d agents "
                        + "connected and heartbeating: **p50 %.2f ms, p99 %.2f ms** (%d samples, one at a time; through the HTTPS API, client wall: p50 %.1f ms, p99 %.1f ms)",
                size, pct(o, 50), pct(o, 99), o.length, pct(ow, 50), pct(ow, 99)));

        // memory: after a full GC, so that the heap is what the agents keep
        gcAndSettle();
        long rss = rssKb(controller.pid());
        long heap = heapUsedKb(controller.pid());
        figures.add(String.format(Locale.ROOT, "- controller memory with %d agents connected: RSS %.1f MB (%.1f KB per agent over the %.1f MB with none), "
                        + "heap used after a full GC %.1f MB (%.1f KB per agent); simulator JVM (all %d agents) RSS %.1f MB",
                size, rss / 1024.0, (rss - rss0) / (double) size, rss0 / 1024.0, heap / 1024.0, (heap - heap0) / (double) size, size,
                rssKb(ProcessHandle.current().pid()) / 1024.0));
        goals.put("rss-per-agent-" + size, String.format(Locale.ROOT, "%.1f", (rss - rss0) / (double) size));

        // idle CPU with every agent heartbeating every 5 s
        long ticks0 = cpuTicks(controller.pid());
        long self0 = cpuTicks(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(Math.min(idle, Math.max(1, remainingSecs() - 90))));
        double secs = seconds(System.nanoTime() - t0);
        double cpu = (cpuTicks(controller.pid()) - ticks0) / 100.0 / secs * 100;
        double selfCpu = (cpuTicks(ProcessHandle.current().pid()) - self0) / 100.0 / secs * 100;
        figures.add(String.format(Locale.ROOT, "- controller CPU at idle with %d agents heartbeating every 5 s (%.0f heartbeats and pings/s): "
                        + "**%.1f%% of one core** over %.0f s (the simulator meanwhile: %.1f%%)",
                size, size / 5.0 * 2, cpu, secs, selfCpu));
        goals.put("idle-cpu-" + size, String.format(Locale.ROOT, "%.1f", cpu));
        say(String.format(Locale.ROOT, "size %d: broadcast p50 %.0f p99 %.0f ms; one p50 %.2f p99 %.2f ms; RSS %.0f MB; CPU %.1f%%",
                size, pct(w, 50), pct(w, 99), pct(o, 50), pct(o, 99), rss / 1024.0, cpu));
    }

    // ------------------------------------------------------------------ restart and reconnection

    private void restart(int size) throws Exception {
        say("restarting the controller with " + size + " agents connected");
        long kill = System.nanoTime();
        restartNanos = kill;
        stopController();
        long stopped = System.nanoTime();
        startController();
        long ready = System.nanoTime();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(240, Math.max(30, remainingSecs() - 30)));
        while (System.nanoTime() < until && agents.subList(0, size).stream().anyMatch(a -> a.lastUpNanos < kill)) {
            Thread.sleep(100);
        }
        long allUp = System.nanoTime();
        List<Double> afterReady = new ArrayList<>();
        int missing = 0;
        for (SimAgent agent : agents.subList(0, size)) {
            if (agent.lastUpNanos < kill) {
                missing++;
            } else {
                afterReady.add((agent.lastUpNanos - ready) / 1e9);
            }
        }
        double[] r = sorted(afterReady);
        int seen = awaitConnected(size, Duration.ofSeconds(30));
        long controllerSees = System.nanoTime();
        // how many came back in each second (each 10 s when it took longer than 30 s) after the controller was ready
        double span = r.length == 0 ? 1 : Math.max(1, r[r.length - 1] + 1);
        int width = span > 30 ? 10 : 1;
        int[] perSecond = new int[(int) Math.min(600, Math.ceil(span / width))];
        for (double x : r) {
            int b = (int) Math.max(0, Math.floor(x / width));
            if (b < perSecond.length) {
                perSecond[b]++;
            }
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(work.resolve("reconnect-seconds.txt")))) {
            for (double x : r) {
                out.println(String.format(Locale.ROOT, "%.3f", x));
            }
        }
        int peak = 0;
        for (int i = 0, j = 0; i < r.length; i++) {   // most links up within any one second
            while (r[i] - r[j] >= 1) {
                j++;
            }
            peak = Math.max(peak, i - j + 1);
        }
        StringBuilder histogram = new StringBuilder();
        for (int i = 0; i < perSecond.length; i++) {
            histogram.append(i == 0 ? "" : ", ").append(i * width).append("-").append((i + 1) * width).append(" s: ").append(perSecond[i]);
        }
        String headline = missing == 0
                ? String.format(Locale.ROOT, "all links up again %.1f s after the new controller answered", seconds(allUp - ready))
                : String.format(Locale.ROOT, "only %d of %d links up again %.1f s after the new controller answered, when the wait ended",
                        size - missing, size, seconds(allUp - ready));
        figures.add(String.format(Locale.ROOT, "- **controller restart with %d agents connected: %s** (%.1f s after the old one was told to stop; "
                        + "stopping took %.1f s, starting %.1f s); %d links not up again by then; "
                        + "the new controller counted %d connected %.1f s after it answered. Reconnection times after it answered: "
                        + "p10 %.1f s, p50 %.1f s, p90 %.1f s, p99 %.1f s, max %.1f s; most within one second: %d (%.0f%% of the agents)",
                size, headline, seconds(allUp - kill), seconds(stopped - kill), seconds(ready - stopped), missing, seen,
                seconds(controllerSees - ready), pct(r, 10), pct(r, 50), pct(r, 90), pct(r, 99), r.length == 0 ? 0 : r[r.length - 1],
                peak, 100.0 * peak / Math.max(1, size)));
        figures.add("  links up per " + (width == 1 ? "second" : "10 s") + " after the new controller answered (agents' backoff: uniform in [0, cap]; the cap is "
                + "1 s growing x1.5 per failed attempt to 60 s, but never below the spread the controller advised for the fleet's size, "
                + "1 s per " + LinkAdvice.RECONNECTS_PER_SECOND + " agents connected when the agent last asked): " + histogram);
        StringBuilder attempts = new StringBuilder();
        int lastSecond = (int) Math.min(599, Math.ceil(seconds(System.nanoTime() - kill)));
        int step = lastSecond > 40 ? 10 : 1;
        for (int i = 0; i <= lastSecond; i += step) {
            int failed = 0;
            int up = 0;
            for (int k = i; k < i + step && k < 600; k++) {
                failed += failedAttempts.get(k);
                up += linksUp.get(k);
            }
            attempts.append(i == 0 ? "" : ", ").append(i).append(step == 1 ? "" : "-" + (i + step)).append(" s: ").append(failed).append("/").append(up);
        }
        figures.add(String.format(Locale.ROOT, "  from the stop on (the new controller answered at %.1f s), failed connection attempts / links up, "
                + "from the links' own log lines, per %s: %s", seconds(ready - kill), step == 1 ? "second" : "10 s", attempts));
        goals.put("reconnect-all-" + size, String.format(Locale.ROOT, "%.1f", seconds(allUp - ready)));
    }

    // ------------------------------------------------------------------ the controller process

    private String controllerOpts() {
        return args.getOrDefault("controller-opts", "-Xmx1g -XX:+UseSerialGC -Xshare:auto");   // the launcher's default for controller run
    }

    private void startController() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/fleet").toString(), "controller", "run", "--state", state.toString(),
                "--bind", host, "--api-port", Integer.toString(apiPort), "--bridge-port", Integer.toString(bridgePort),
                "--heartbeat-timeout", args.getOrDefault("heartbeat-timeout", "15s"));
        builder.environment().put("FLEET_JAVA_OPTS", controllerOpts());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("controller.log").toFile()));
        controller = builder.start();
        if (admin == null) {
            admin = ControllerClient.admin(state, URI.create("https://" + host + ":" + apiPort));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            if (!controller.isAlive()) {
                throw new IllegalStateException("the controller exited with " + controller.exitValue() + " (see " + work.resolve("controller.log") + ")");
            }
            if (listening(apiPort) && listening(bridgePort)) {
                try {
                    HttpResponse<String> r = admin.send(HttpRequest.newBuilder(admin.uri("/v1/rollouts")).timeout(Duration.ofSeconds(5)).GET().build());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    // not answering yet
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the controller did not answer within 90 s");
    }

    private boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void stopController() throws InterruptedException {
        if (controller == null) {
            return;
        }
        controller.destroy();
        if (!controller.waitFor(30, TimeUnit.SECONDS)) {
            controller.destroyForcibly();
            controller.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private JsonNode ping(String query) {
        try {
            HttpResponse<String> r = admin.send(HttpRequest.newBuilder(admin.uri("/v1/agents/ping" + query))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build());
            if (r.statusCode() != 200) {
                log.println("ping" + query + ": HTTP " + r.statusCode() + " " + r.body());
                return null;
            }
            return Json.mapper().readTree(r.body());
        } catch (IOException | RuntimeException e) {
            log.println("ping" + query + ": " + e);
            return null;
        }
    }

    private int connectedCount() {
        try {
            HttpResponse<String> r = admin.send(HttpRequest.newBuilder(admin.uri("/v1/agents")).timeout(Duration.ofSeconds(60)).GET().build());
            if (r.statusCode() != 200) {
                return 0;
            }
            int n = 0;
            for (JsonNode view : Json.mapper().readTree(r.body())) {
                if (view.path("connected").asBoolean()) {
                    n++;
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private X509Ca pinnedCa(URI api, CaPin pin) throws Exception {
        java.security.cert.X509Certificate certificate = Join.pinnedCa(api, pin);
        return new X509Ca(certificate, Identity.trustOnly(certificate));
    }

    private void gcAndSettle() throws Exception {
        jcmd(controller.pid(), "GC.run");
        Thread.sleep(1000);
    }

    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static long heapUsedKb(long pid) {
        Matcher m = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        long used = 0;
        while (m.find()) {
            used += Long.parseLong(m.group(3));
        }
        return used;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** utime + stime of a process, in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ plumbing

    private void linkLog(String line) {
        long since = restartNanos;
        if (since > 0) {
            int second = (int) TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
            if (second >= 0 && second < 600) {
                if (line.startsWith("link: connected")) {
                    linksUp.incrementAndGet(second);
                } else if (line.contains("retrying in")) {
                    failedAttempts.incrementAndGet(second);
                }
            }
        }
        String kind = line.replaceAll("sim[0-9]+", "simN").replaceAll("[0-9]+\\.[0-9] s", "N s");
        if (linkMessages.size() < 200 || linkMessages.containsKey(kind)) {
            linkMessages.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private String linkSummary() {
        StringBuilder out = new StringBuilder();
        linkMessages.entrySet().stream().sorted((a, b) -> b.getValue().get() - a.getValue().get()).limit(5)
                .forEach(e -> out.append(out.length() == 0 ? "" : "; ").append(e.getValue().get()).append(" x ").append(e.getKey()));
        return out.toString();
    }

    /** Node to token, from the output of {@code fleet token create --count} (the token is never printed). */
    private Map<String, String> readTokens(Path file) throws IOException {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = JOIN_LINE.matcher(line);
            if (m.find()) {
                tokens.put(m.group(2), m.group(3));
                args.putIfAbsent("ca-hash", m.group(4));
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no fleet-agent join line");
        }
        return tokens;
    }

    private void shutdown() {
        try {
            if (vertx != null) {
                vertx.close().await(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.println("closing Vert.x: " + e);
        }
        try {
            stopController();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write() throws IOException {
        Files.write(Path.of(required("out")), figures, StandardCharsets.UTF_8);
        List<String> goalLines = new ArrayList<>();
        goals.forEach((k, v) -> goalLines.add(k + "=" + v));
        Files.write(work.resolve("goals.properties"), goalLines, StandardCharsets.UTF_8);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(work.resolve("link-messages.txt")))) {
            linkMessages.forEach((k, v) -> out.println(v.get() + " x " + k));
        }
        log.close();
    }

    private long remainingSecs() {
        return TimeUnit.NANOSECONDS.toSeconds(deadlineNanos - System.nanoTime());
    }

    private String required(String name) {
        String value = args.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + "=... is required");
        }
        return value;
    }

    private void say(String line) {
        String stamped = String.format(Locale.ROOT, "scale: %s", line);
        System.err.println(stamped);
        log.println(stamped);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** Nearest-rank percentile; 0 for none. */
    static double pct(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static {
        // quiet the JDK HTTP client and Vert.x/Netty loggers: the figures are the output
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }
}
