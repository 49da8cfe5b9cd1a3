package io.apimfleet.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.daemon.GroupCommit;
import io.apimfleet.controller.daemon.PeerCertificates;
import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.metrics.FleetMetrics;
import io.apimfleet.controller.pki.AgentRegistry;
import io.apimfleet.controller.pki.CertificateChains;
import io.apimfleet.controller.pki.ControllerAdmission;
import io.apimfleet.controller.pki.JoinTokens;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.EnrollResult;
import io.apimfleet.controller.pki.Enrollment;
import io.apimfleet.controller.pki.EnrollmentRefused;
import io.apimfleet.controller.registry.AgentRequestFailed;
import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.controller.rollout.OutageNotAccepted;
import io.apimfleet.controller.rollout.RolloutBusy;
import io.apimfleet.controller.rollout.RolloutRefused;
import io.apimfleet.controller.rollout.RolloutFailure;
import io.apimfleet.controller.rollout.Rollouts;
import io.apimfleet.controller.rollout.SpecRejected;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.AgentView;
import io.apimfleet.protocol.link.EnrollRequest;
import io.apimfleet.protocol.link.EnrollResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The controller's HTTPS JSON API (the listener asks for, but does not require, a client
 * certificate from the fleet CA):
 * <pre>
 *   POST /v1/enroll                   EnrollRequest -> EnrollResponse; 403 {error, reason}; no certificate needed
 *   POST /v1/renew                    {"csr": PEM} -> EnrollResponse; the agent's certificate
 *   POST /v1/controllers/tokens       {"ttl": "15m"} -> {id, token, expires, joinCommand}: a one-time controller token  admin
 *   POST /v1/controllers/join         ControllerAdmission.Request -> Grant (intermediates); 403 {error, reason}; no certificate needed
 *   GET  /v1/agents                   [AgentView]                                      admin
 *   GET  /v1/controllers              ClusterView: the controllers, the leader, its epoch  admin
 *   POST /v1/agents/ping[?node=N...]  -> AgentPing.Result (a FACTS request to every connected agent)  admin
 *   GET  /v1/events?since=N[&follow=true[&heartbeats=true]]  NDJSON of FleetEvent with index > N   admin
 *   POST /v1/nodes/{node}/plan|apply|rollback[?force=true]  Bundle -> AgentReply      admin
 *   POST /v1/nodes/{node}/start|stop|restart|logs[?force=true][&lines=N]  -> AgentReply   admin
 *   GET  /metrics                     Prometheus text                                  admin
 *   POST /v1/plan                     {source, yaml} -> ClusterPlan                    admin
 *   POST /v1/apply                    {source, yaml, secrets, acceptOutage} -> 202 {rollout, since}  admin
 *   GET  /v1/rollouts[/current]       [RolloutRecord] / the running one (404 none)     admin
 *   POST /v1/rollouts/abort|pause     -> the running RolloutRecord (404 none)          admin
 *   POST /v1/rollouts/resume|undo     -> 202 {rollout, since}; 409 when it does not fit  admin
 *   GET  /v1/secrets                  [{name, updatedAt}]                              admin
 *   PUT|DELETE /v1/secrets/{name}     {value} -> 204                                   admin
 * </pre>
 * Errors are JSON {@code {"error": message, "reason": code}} (an invalid spec adds
 * {@code problems}, each {@code file:line:column: message}): 400 malformed, 401 no client
 * certificate, 403 refused or not the admin, 404, 409 agent not connected, 413 body too large,
 * 502 agent failed, 504 agent did not answer in time; 409 also when a rollout is running, and
 * {@code not-leader} when a clustered controller that follows is asked for leader-only work
 * (plan, apply, rollouts/abort|pause|resume|undo, nodes, agents/ping): the message names the
 * leader's API address. A join
 * token or a secret's value is never logged, journaled or answered.
 */
public final class ApiRoutes {
    private static final Logger LOG = Logger.getLogger(ApiRoutes.class.getName());
    static final long ENROLL_BODY_LIMIT = 64 * 1024;
    static final long BUNDLE_BODY_LIMIT = 32L * 1024 * 1024;
    static final long SPEC_BODY_LIMIT = 1024 * 1024;
    private static final Pattern NODE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Enrollments handled together at most: a batch is one lock and one fsync per file, its replies wait for all of it. */
    static final int ENROLL_BATCH = 64;

    private final ControllerState state;
    private final StateWorker worker;
    private final Journal journal;
    private final LiveAgents live;
    private final AgentRequests requests;
    private final FleetMetrics metrics;
    /** Where agents are told to connect, as of each answer (a clustered controller's list follows the membership). */
    private final Supplier<List<String>> bridgeEndpoints;
    private final Rollouts rollouts;
    private final SecretStore secrets;
    private final ControllerRole role;
    private final GroupCommit<Enrollment.Request, Enrollment.Outcome> enrollments;
    /** {@code HOST:PORT} of the controller-peer listener joining controllers fetch the cluster secrets from; null for none. */
    private final Supplier<String> secretsEndpoint;

    public ApiRoutes(ControllerState state, StateWorker worker, Journal journal, LiveAgents live, AgentRequests requests,
                     FleetMetrics metrics, Supplier<List<String>> bridgeEndpoints, Rollouts rollouts, SecretStore secrets, ControllerRole role,
                     Supplier<String> secretsEndpoint) {
        this.secretsEndpoint = secretsEndpoint;
        this.role = role;
        this.rollouts = rollouts;
        this.secrets = secrets;
        this.state = state;
        this.worker = worker;
        this.journal = journal;
        this.live = live;
        this.requests = requests;
        this.metrics = metrics;
        this.bridgeEndpoints = bridgeEndpoints;
        this.enrollments = new GroupCommit<>(worker, ENROLL_BATCH, batch -> state.enrollment().enrollAll(batch, Instant.now()));
    }

    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.post("/v1/enroll").handler(BodyHandler.create(false).setBodyLimit(ENROLL_BODY_LIMIT)).handler(this::enroll);

        router.post("/v1/controllers/join").handler(BodyHandler.create(false).setBodyLimit(ENROLL_BODY_LIMIT)).handler(this::joinController);
        adminWithBody(router, HttpMethod.POST, "/v1/controllers/tokens", ENROLL_BODY_LIMIT, this::controllerToken);

        router.post("/v1/renew").handler(this::requireCertificate);
        router.post("/v1/renew").handler(BodyHandler.create(false).setBodyLimit(ENROLL_BODY_LIMIT)).handler(this::renew);

        router.get("/v1/agents").handler(this::requireAdmin).handler(this::agents);
        router.get("/v1/controllers").handler(this::requireAdmin).handler(ctx -> role.controllers()
                .onSuccess(view -> json(ctx, 200, view)).onFailure(ctx::fail));
        AgentPing ping = new AgentPing(
                () -> live.all().stream().filter(LiveAgents.Live::connected).map(LiveAgents.Live::node).toList(),
                node -> requests.request(node, AgentPing.request()));
        // leader-only work (requireLeader, after the body when there is one): a clustered controller that follows answers 409 not-leader
        router.post("/v1/agents/ping").handler(this::requireAdmin).handler(this::requireLeader).handler(ctx -> {
            List<String> nodes = ctx.queryParam("node");
            if (nodes.stream().anyMatch(n -> !NODE.matcher(n).matches())) {
                error(ctx, 400, "malformed-request", "node must be a node name");
                return;
            }
            ping.ping(nodes).onSuccess(result -> json(ctx, 200, result)).onFailure(ctx::fail);
        });
        router.get("/v1/events").handler(this::requireAdmin).handler(this::events);
        router.get("/metrics").handler(this::requireAdmin).handler(this::metrics);
        router.post("/v1/nodes/:node/:action").handler(this::requireAdmin);
        router.post("/v1/nodes/:node/:action").handler(BodyHandler.create(false).setBodyLimit(BUNDLE_BODY_LIMIT))
                .handler(this::requireLeader).handler(this::nodeRequest);

        adminWithBody(router, HttpMethod.POST, "/v1/plan", SPEC_BODY_LIMIT, this::requireLeader, this::plan);
        adminWithBody(router, HttpMethod.POST, "/v1/apply", SPEC_BODY_LIMIT, this::requireLeader, this::apply);
        router.get("/v1/rollouts").handler(this::requireAdmin).handler(ctx -> rollouts.history().onSuccess(h -> json(ctx, 200, h)).onFailure(ctx::fail));
        router.get("/v1/rollouts/current").handler(this::requireAdmin).handler(ctx -> rollouts.current()
                .ifPresentOrElse(r -> json(ctx, 200, r), () -> error(ctx, 404, "no-rollout", "no rollout is running")));
        router.post("/v1/rollouts/abort").handler(this::requireAdmin).handler(this::requireLeader).handler(ctx -> rollouts.abort()
                .ifPresentOrElse(r -> json(ctx, 200, r), () -> error(ctx, 404, "no-rollout", "no rollout is running")));
        router.post("/v1/rollouts/pause").handler(this::requireAdmin).handler(this::requireLeader).handler(ctx -> rollouts.pause()
                .ifPresentOrElse(r -> json(ctx, 200, r), () -> error(ctx, 404, "no-rollout", "no rollout is running")));
        router.post("/v1/rollouts/resume").handler(this::requireAdmin).handler(this::requireLeader).handler(ctx -> rollouts.resume()
                .onSuccess(started -> json(ctx, 202, started)).onFailure(f -> rolloutFailure(ctx, f)));
        router.post("/v1/rollouts/undo").handler(this::requireAdmin).handler(this::requireLeader).handler(ctx -> rollouts.undo()
                .onSuccess(started -> json(ctx, 202, started)).onFailure(f -> rolloutFailure(ctx, f)));
        router.get("/v1/secrets").handler(this::requireAdmin).handler(ctx -> worker.call(secrets::list)
                .onSuccess(list -> json(ctx, 200, list)).onFailure(ctx::fail));
        adminWithBody(router, HttpMethod.PUT, "/v1/secrets/:name", ENROLL_BODY_LIMIT, this::putSecret);
        router.delete("/v1/secrets/:name").handler(this::requireAdmin).handler(this::removeSecret);

        router.errorHandler(400, ctx -> error(ctx, 400, "malformed-request", "the request is malformed"));
        router.errorHandler(404, ctx -> error(ctx, 404, "not-found", "no such route: " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(405, ctx -> error(ctx, 405, "method-not-allowed", ctx.request().method() + " is not allowed on " + ctx.request().path()));
        router.errorHandler(413, ctx -> error(ctx, 413, "too-large", "the request body is too large"));
        router.errorHandler(500, ctx -> {
            LOG.log(Level.WARNING, "internal error on " + ctx.request().path(), ctx.failure());
            error(ctx, 500, "internal", "internal error; the controller's log has the details");
        });
        return router;
    }

    // ------------------------------------------------------------------ enrollment

    private void enroll(RoutingContext ctx) {
        EnrollRequest request;
        try {
            request = Json.mapper().readValue(bytes(ctx), EnrollRequest.class);
        } catch (java.io.IOException e) {
            error(ctx, 400, "malformed-request", "the body is not an EnrollRequest {token, csr}");
            return;
        }
        if (request == null || request.token() == null || request.csr() == null) {
            error(ctx, 400, "malformed-request", "an EnrollRequest needs both token and csr");
            return;
        }
        // the CSR's signature is checked on the worker pool, many at a time; only the token and the writes need the state thread
        ctx.vertx().executeBlocking(() -> Enrollment.CheckedCsr.of(request.csr()), false)
                .compose(csr -> enrollments.submit(new Enrollment.Request(request.token(), csr)))
                .compose(outcome -> outcome.refusal() == null ? Future.succeededFuture(outcome.result()) : Future.<EnrollResult>failedFuture(outcome.refusal()))
                .onSuccess(result -> {
                    metrics.enrollment("issued");
                    json(ctx, 200, response(result));
                })
                .onFailure(failure -> refusal(ctx, failure));
    }

    // ------------------------------------------------------------------ controllers joining

    private void controllerToken(RoutingContext ctx) {
        Duration ttl;
        try {
            JsonNode body = Json.mapper().readTree(bytes(ctx));
            String given = body == null || !body.path("ttl").isTextual() ? null : body.path("ttl").asText();
            ttl = given == null ? JoinTokens.DEFAULT_TTL : JoinTokens.parseTtl(given);
        } catch (java.io.IOException | IllegalArgumentException e) {
            error(ctx, 400, "malformed-request", e instanceof IllegalArgumentException ? e.getMessage() : "the body must be {\"ttl\": \"15m\"}");
            return;
        }
        worker.call(() -> {
            JoinTokens tokens = state.tokens();
            JoinTokens.IssuedToken token = tokens.createForController(ttl, Instant.now());
            return new ControllerClient.ControllerToken(token.id(), token.token(), token.expires(), tokens.controllerJoinCommand(token));
        }).onSuccess(token -> json(ctx, 200, token)).onFailure(ctx::fail);
    }

    private void joinController(RoutingContext ctx) {
        ControllerAdmission.Request request;
        try {
            request = Json.mapper().readValue(bytes(ctx), ControllerAdmission.Request.class);
        } catch (java.io.IOException e) {
            request = null;
        }
        if (request == null || request.token() == null) {
            error(ctx, 400, "malformed-request", "the body must be {token, advertise, fleetCsr, productCsr, peerCsr}");
            return;
        }
        String endpoint = secretsEndpoint.get();
        if (endpoint == null) {
            error(ctx, 409, "no-peer-listener", "this controller serves no controller-peer listener to hand the cluster secrets over; "
                    + "run it with --cluster (the listener is on --cluster-bind, the port after the event bus's)");
            return;
        }
        ControllerAdmission.Request admitted = request;
        worker.call(() -> state.admission().admit(admitted, endpoint, Instant.now()))
                .onSuccess(grant -> json(ctx, 200, grant))
                .onFailure(failure -> {
                    if (failure instanceof EnrollmentRefused refused) {
                        error(ctx, 403, refused.code(), refused.getMessage());
                    } else if (failure instanceof IllegalStateException notRoot) {
                        error(ctx, 409, "not-the-root", notRoot.getMessage());
                    } else {
                        LOG.log(Level.WARNING, "a controller's join failed", failure);
                        error(ctx, 500, "internal", "internal error; the controller's log has the details");
                    }
                });
    }

    private void renew(RoutingContext ctx) {
        List<X509Certificate> current = PeerCertificates.chain(() -> ctx.request().connection().peerCertificates());
        String csr;
        try {
            JsonNode body = Json.mapper().readTree(bytes(ctx));
            csr = body == null || !body.path("csr").isTextual() ? null : body.path("csr").asText();
        } catch (java.io.IOException e) {
            csr = null;
        }
        if (csr == null) {
            error(ctx, 400, "malformed-request", "the body must be {\"csr\": \"<PEM>\"}");
            return;
        }
        String pem = csr;
        worker.call(() -> state.enrollment().renew(current, pem, Instant.now()))
                .onSuccess(result -> {
                    metrics.enrollment("renewed");
                    json(ctx, 200, response(result));
                })
                .onFailure(failure -> refusal(ctx, failure));
    }

    private EnrollResponse response(EnrollResult result) {
        return new EnrollResponse(result.node(), result.certificatePem(), result.caCertificatePem(), bridgeEndpoints.get());
    }

    private void refusal(RoutingContext ctx, Throwable failure) {
        if (failure instanceof EnrollmentRefused refused) {
            metrics.enrollment(ctx.request().path().endsWith("/renew") ? "renew-refused:" + refused.code() : "refused:" + refused.code());
            error(ctx, 403, refused.code(), refused.getMessage());
            return;
        }
        LOG.log(Level.WARNING, "enrollment failed", failure);
        error(ctx, 500, "internal", "internal error; the controller's log has the details");
    }

    // ------------------------------------------------------------------ admin

    private void requireCertificate(RoutingContext ctx) {
        if (PeerCertificates.leaf(() -> ctx.request().connection().peerCertificates()) == null) {
            error(ctx, 401, "no-certificate", "this route needs a client certificate from the fleet CA");
            return;
        }
        ctx.next();
    }

    private void requireAdmin(RoutingContext ctx) {
        List<X509Certificate> chain = PeerCertificates.chain(() -> ctx.request().connection().peerCertificates());
        if (chain.isEmpty()) {
            error(ctx, 401, "no-certificate", "this route needs the admin client certificate (<state>/admin/admin.crt from fleet init)");
            return;
        }
        X509Certificate leaf = chain.get(0);
        // issued under the fleet root: by it, or by a joined controller's fleet intermediate presented with it
        if (!ControllerState.ADMIN_CN.equals(PeerCertificates.commonName(leaf))
                || !CertificateChains.leadsTo(state.fleetCa().root(), chain)) {
            error(ctx, 403, "not-admin", "this route is for the admin certificate (CN=" + ControllerState.ADMIN_CN + "), not "
                    + leaf.getSubjectX500Principal().getName());
            return;
        }
        ctx.next();
    }

    /** After {@link #requireAdmin}: leader-only work goes on only where it may (see {@link ControllerRole}). */
    private void requireLeader(RoutingContext ctx) {
        role.refusal().onSuccess(refusal -> {
            if (refusal.isPresent()) {
                error(ctx, 409, "not-leader", refusal.get());
            } else {
                ctx.next();
            }
        }).onFailure(ctx::fail);
    }

    private void agents(RoutingContext ctx) {
        worker.call(() -> state.agents().list()).onSuccess(enrolled -> {
            Instant now = Instant.now();
            Map<String, AgentView> views = new TreeMap<>();
            for (AgentRegistry.Agent agent : enrolled) {
                Long daysLeft = Math.floorDiv(Duration.between(now, agent.latest().notAfter()).toSeconds(), 86_400L);
                views.put(agent.node(), view(agent.node(), live.get(agent.node()).orElse(null), daysLeft));
            }
            for (LiveAgents.Live connection : live.all()) {
                views.computeIfAbsent(connection.node(), n -> view(n, connection, null));
            }
            json(ctx, 200, new ArrayList<>(views.values()));
        }).onFailure(ctx::fail);
    }

    private AgentView view(String node, LiveAgents.Live connection, Long daysLeft) {
        Function<String, String> roles = n -> rollouts.roleOf(n).orElse(null);
        if (connection == null) {
            return new AgentView(node, null, false, null, null, 0, daysLeft, null, roles.apply(node), "unknown", null, null);
        }
        var facts = connection.facts();
        return new AgentView(node, facts == null ? null : facts.hostname(), connection.connected(), connection.lastHeartbeat(),
                facts == null ? null : facts.productState(), facts == null ? 0 : facts.bundleRevision(), daysLeft, facts,
                roles.apply(node), connection.health(), connection.probes(), connection.controller());
    }

    private void events(RoutingContext ctx) {
        long since;
        try {
            List<String> given = ctx.queryParam("since");
            since = given.isEmpty() ? 0 : Long.parseLong(given.get(0));
            if (since < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            error(ctx, 400, "malformed-request", "since must be a journal index (0 or more)");
            return;
        }
        boolean follow = ctx.queryParam("follow").stream().anyMatch("true"::equalsIgnoreCase);
        boolean heartbeats = ctx.queryParam("heartbeats").stream().anyMatch("true"::equalsIgnoreCase);
        new EventStream(journal, ctx.response(), since, follow, heartbeats ? live : null).start();
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }

    private void nodeRequest(RoutingContext ctx) {
        String node = ctx.pathParam("node");
        AgentRequest.Kind kind = switch (ctx.pathParam("action")) {
            case "plan" -> AgentRequest.Kind.PLAN;
            case "apply" -> AgentRequest.Kind.APPLY;
            case "rollback" -> AgentRequest.Kind.ROLLBACK;
            case "start" -> AgentRequest.Kind.START;
            case "stop" -> AgentRequest.Kind.STOP;
            case "restart" -> AgentRequest.Kind.RESTART;
            case "logs" -> AgentRequest.Kind.LOGS;
            default -> null;
        };
        if (kind == null) {
            error(ctx, 404, "not-found", "no such route: POST " + ctx.request().path()
                    + " (plan, apply, rollback, start, stop, restart or logs)");
            return;
        }
        if (node == null || !NODE.matcher(node).matches()) {
            error(ctx, 400, "malformed-request", "'" + node + "' is not a node name");
            return;
        }
        Bundle bundle = null;
        Buffer body = ctx.body().buffer();
        if (body != null && body.length() > 0) {
            try {
                bundle = Json.mapper().readValue(body.getBytes(), Bundle.class);
            } catch (java.io.IOException e) {
                error(ctx, 400, "malformed-request", "the body is not a bundle: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
                return;
            }
        }
        if (bundle == null && (kind == AgentRequest.Kind.PLAN || kind == AgentRequest.Kind.APPLY)) {
            error(ctx, 400, "malformed-request", "a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " request needs the node's bundle as its body");
            return;
        }
        if (bundle != null && !node.equals(bundle.node())) {
            error(ctx, 400, "malformed-request", "the bundle is for node " + bundle.node() + ", not " + node);
            return;
        }
        if (refusedDuringRollout(ctx)) {
            return;
        }
        boolean force = ctx.queryParam("force").stream().anyMatch("true"::equalsIgnoreCase);
        int lines = ctx.queryParam("lines").stream().filter(l -> l.matches("\\d{1,4}")).mapToInt(Integer::parseInt).findFirst().orElse(0);
        requests.request(node, new AgentRequest(kind, bundle, force, lines))
                .onSuccess(reply -> {
                    showRevision(node, reply);
                    json(ctx, 200, reply);
                })
                .onFailure(failure -> {
                    if (failure instanceof AgentRequestFailed failed) {
                        int status = switch (failed.reason()) {
                            case NOT_CONNECTED -> 409;
                            case TIMEOUT -> 504;
                            case FAILED -> 502;
                            case NOT_LEADER -> 409;
                        };
                        error(ctx, status, failed.reason().code(), failed.getMessage());
                    } else {
                        ctx.fail(failure);
                    }
                });
    }

    /** An apply or rollback that changed the home: the agents' view shows its revision now, not at the next heartbeat. */
    private void showRevision(String node, AgentReply reply) {
        if (!reply.ok()) {
            return;
        }
        if (reply.result() != null && !reply.result().dryRun() && reply.result().differs()) {
            live.applied(node, reply.result().revision());
        } else if (reply.rollback() != null) {
            live.applied(node, reply.rollback().currentRevision());
        }
    }

    // ------------------------------------------------------------------ rollouts and secrets

    /** The admin check first, on a route of its own: Vert.x wants the body handler first on a route. */
    @SafeVarargs
    private void adminWithBody(Router router, HttpMethod method, String path, long limit, Handler<RoutingContext>... handlers) {
        router.route(method, path).handler(this::requireAdmin);
        Route route = router.route(method, path).handler(BodyHandler.create(false).setBodyLimit(limit));
        for (Handler<RoutingContext> handler : handlers) {
            route.handler(handler);
        }
    }

    /** The body of a plan or an apply: the spec's text and the name its problems are reported under. */
    record SpecBody(String source, String yaml, Map<String, String> secrets, boolean acceptOutage) {
        /** Never the secrets' values. */
        @Override
        public String toString() {
            return "SpecBody[" + source + ", secrets " + (secrets == null ? "[]" : new TreeMap<>(secrets).keySet()) + "]";
        }
    }

    private SpecBody specBody(RoutingContext ctx) {
        try {
            SpecBody body = Json.mapper().readValue(bytes(ctx), SpecBody.class);
            if (body != null && body.yaml() != null) {
                return new SpecBody(body.source() == null || body.source().isBlank() ? "cluster.yaml" : body.source(), body.yaml(),
                        body.secrets() == null ? Map.of() : body.secrets(), body.acceptOutage());
            }
        } catch (java.io.IOException e) {
            // answered below
        }
        error(ctx, 400, "malformed-request", "the body must be {\"source\": FILE, \"yaml\": SPEC[, \"secrets\": {NAME: VALUE}]}");
        return null;
    }

    /** While a rollout runs, other requests to agents would take the one request slot each host has from it. */
    private boolean refusedDuringRollout(RoutingContext ctx) {
        if (rollouts.busyWithAgents()) {
            error(ctx, 409, "rollout-running", "a rollout is running, and its agents take one request at a time; "
                    + "wait for it (fleet rollout status) or stop it (fleet rollout abort)");
            return true;
        }
        return false;
    }

    private void plan(RoutingContext ctx) {
        if (refusedDuringRollout(ctx)) {
            return;
        }
        SpecBody body = specBody(ctx);
        if (body != null) {
            rollouts.plan(body.source(), body.yaml()).onSuccess(plan -> json(ctx, 200, plan)).onFailure(f -> rolloutFailure(ctx, f));
        }
    }

    private void apply(RoutingContext ctx) {
        SpecBody body = specBody(ctx);
        if (body != null) {
            rollouts.start(body.source(), body.yaml(), body.secrets(), body.acceptOutage())
                    .onSuccess(started -> json(ctx, 202, started))
                    .onFailure(f -> rolloutFailure(ctx, f));
        }
    }

    private void rolloutFailure(RoutingContext ctx, Throwable failure) {
        if (failure instanceof SpecRejected rejected) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", rejected.getMessage());
            body.put("reason", "invalid-spec");
            body.put("problems", rejected.problems());
            json(ctx, 400, body);
        } else if (failure instanceof RolloutBusy busy) {
            error(ctx, 409, "rollout-running", busy.getMessage());
        } else if (failure instanceof OutageNotAccepted outage) {
            error(ctx, 409, "outage-not-accepted", outage.getMessage());
        } else if (failure instanceof RolloutRefused refused) {
            error(ctx, 409, "rollout-refused", refused.getMessage());
        } else if (failure instanceof RolloutFailure refused) {
            error(ctx, 409, "cannot-render", refused.getMessage());
        } else if (failure instanceof IllegalArgumentException bad) {
            error(ctx, 400, "malformed-request", bad.getMessage());   // e.g. a secret with an empty value: names it, never a value
        } else {
            ctx.fail(failure);
        }
    }

    private void putSecret(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        String value;
        try {
            JsonNode body = Json.mapper().readTree(bytes(ctx));
            value = body == null || !body.path("value").isTextual() ? null : body.path("value").asText();
        } catch (java.io.IOException e) {
            value = null;
        }
        if (value == null) {
            error(ctx, 400, "malformed-request", "the body must be {\"value\": \"...\"}");
            return;
        }
        String given = value;
        worker.call(() -> {
            secrets.put(name, given, Instant.now());
            return null;
        }).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(f -> secretFailure(ctx, f));
    }

    private void removeSecret(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        worker.call(() -> secrets.remove(name)).onSuccess(removed -> {
            if (removed) {
                ctx.response().setStatusCode(204).end();
            } else {
                error(ctx, 404, "no-secret", "there is no secret named " + name);
            }
        }).onFailure(f -> secretFailure(ctx, f));
    }

    private static void secretFailure(RoutingContext ctx, Throwable failure) {
        if (failure instanceof IllegalArgumentException e) {
            error(ctx, 400, "malformed-request", e.getMessage());
        } else {
            ctx.fail(failure);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] bytes(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        return body == null ? new byte[0] : body.getBytes();
    }

    static void json(RoutingContext ctx, int status, Object value) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        String text;
        try {
            text = Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(text);
    }

    static void error(RoutingContext ctx, int status, String reason, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("reason", reason);
        json(ctx, status, body);
    }
}
