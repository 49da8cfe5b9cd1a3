package io.apimfleet.controller.rollout;

import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.journal.Journal;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.registry.LiveAgents;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.controller.spec.CheckedSpec;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Problem;
import io.apimfleet.controller.spec.Specs;
import io.apimfleet.protocol.ContentHash;
import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.link.AgentReply;
import io.apimfleet.protocol.link.AgentRequest;
import io.apimfleet.protocol.link.FleetEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one entry point for rollouts: {@link #plan} (dry runs on every node), {@link #start} (an
 * apply, run in the background, one at a time), {@link #abort}, and what the API shows of them.
 * Lives on the controller's event loop; state files go through the worker.
 */
public final class Rollouts {
    private static final Logger LOG = Logger.getLogger(Rollouts.class.getName());

    /** A started rollout: its record, and the journal index after which its events appear. */
    public record Started(RolloutRecord rollout, long since) {
    }

    private final Vertx vertx;
    private final StateWorker worker;
    private final Journal journal;
    private final LiveAgents live;
    private final AgentRequests requests;
    private final SecretStore secrets;
    private final RolloutStore store;
    private final ClusterRender render;
    private RolloutRun running;
    private boolean starting;
    private ClusterSpec lastSpec;

    public Rollouts(Vertx vertx, ControllerState state, StateWorker worker, Journal journal, LiveAgents live,
                    AgentRequests requests, SecretStore secrets) {
        this.vertx = vertx;
        this.worker = worker;
        this.journal = journal;
        this.live = live;
        this.requests = requests;
        this.secrets = secrets;
        this.store = new RolloutStore(state);
        this.render = new ClusterRender(state, worker, requests, secrets);
    }

    /**
     * Ends every rollout a previous controller left running (it cannot know what its agents did
     * since: the record says so), and remembers the newest spec for node roles.
     */
    public Future<Void> recover() {
        List<RolloutRecord> ended = new ArrayList<>();
        return worker.call(() -> {
            List<RolloutRecord> all = store.all();
            for (RolloutRecord record : all) {
                if (record.running()) {
                    RolloutRecord aborted = record.finished(RolloutRecord.ABORTED, "the controller stopped while this rollout ran", Instant.now());
                    store.save(aborted);
                    ended.add(aborted);
                    LOG.warning("rollout " + record.id() + " was running when the controller stopped: marked aborted");
                }
            }
            for (int i = all.size() - 1; i >= 0; i--) {
                Optional<String> yaml = store.spec(all.get(i).id());
                if (yaml.isPresent()) {
                    CheckedSpec checked = Specs.check(all.get(i).source(), yaml.get());
                    if (checked.isValid()) {
                        return checked.validSpec();
                    }
                }
            }
            return (ClusterSpec) null;
        }).compose(spec -> {
            lastSpec = spec;
            Future<Void> journaled = Future.succeededFuture();
            for (RolloutRecord aborted : ended) {
                journaled = journaled.compose(v -> journal.record(FleetEvent.ROLLOUT_FINISHED, Map.of("rollout", aborted.id(),
                        "state", aborted.state(), "reason", aborted.reason())));
            }
            return journaled;
        });
    }

    /** The role of {@code node} in the newest spec this controller applied. */
    public Optional<String> roleOf(String node) {
        ClusterSpec spec = lastSpec;
        return spec == null ? Optional.empty() : spec.node(node).map(n -> n.role().yamlName());
    }

    /** Renders every node's bundle and asks each agent for a dry run: changes no home. */
    public Future<ClusterPlan> plan(String source, String yaml) {
        return validate(source, yaml).compose(spec -> worker.call(store::nextId)
                .compose(revision -> render.render(spec, revision))
                .compose(rendered -> ClusterPlan.ask(rendered, live, requests)));
    }

    /**
     * Validates, stores the given secrets, records the spec revision, and starts rolling it out.
     * Refused while another rollout runs.
     */
    public Future<Started> start(String source, String yaml, Map<String, String> newSecrets) {
        if (running != null || starting) {
            return Future.failedFuture(busy());
        }
        starting = true;
        return validate(source, yaml).compose(spec -> worker.call(() -> {
            secrets.putAll(newSecrets, Instant.now());
            long id = store.nextId();
            store.saveSpec(id, yaml);
            RolloutRecord record = new RolloutRecord(id, spec.cluster(), source, ContentHash.of(yaml.getBytes(StandardCharsets.UTF_8)),
                    RolloutRecord.RUNNING, Instant.now(), null, null, Phase.of(spec), Map.of(), List.of(), List.of());
            store.save(record);
            return record;
        }).map(record -> {
            lastSpec = spec;
            long since = journal.size();
            RolloutRun run = new RolloutRun(vertx, worker, journal, live, requests, render, store, spec, record);
            running = run;
            run.start().onComplete(ar -> {
                if (running == run) {
                    running = null;
                }
            });
            return new Started(record, since);
        })).andThen(ar -> starting = false);
    }

    private RolloutBusy busy() {
        RolloutRun run = running;
        return run == null ? new RolloutBusy("another fleet apply is starting") : new RolloutBusy(run.record().id());
    }

    /** Whether a rollout runs (or is starting): requests to agents outside it are refused meanwhile. */
    public boolean busyWithAgents() {
        return running != null || starting;
    }

    /** Stops the running rollout at its next step: nodes mid-flight finish the step they are in. */
    public Optional<RolloutRecord> abort() {
        RolloutRun run = running;
        if (run == null) {
            return Optional.empty();
        }
        run.abort();
        return Optional.of(run.record());
    }

    public Optional<RolloutRecord> current() {
        RolloutRun run = running;
        return run == null ? Optional.empty() : Optional.of(run.record());
    }

    public Future<List<RolloutRecord>> history() {
        return worker.call(store::all);
    }

    private Future<ClusterSpec> validate(String source, String yaml) {
        return worker.call(() -> {
            CheckedSpec checked = Specs.check(source, yaml);
            if (!checked.isValid()) {
                List<String> problems = new ArrayList<>();
                checked.problems().stream().sorted(Problem.BY_POSITION).forEach(p -> problems.add(p.toString()));
                throw new SpecRejected(source, problems);
            }
            return checked.validSpec();
        });
    }

    /** The request for one node's bundle, with the secrets its references need. */
    static AgentRequest request(AgentRequest.Kind kind, RenderedCluster cluster, String node) {
        return AgentRequest.withSecrets(kind, cluster.bundles().get(node), cluster.secrets().get(node));
    }

    static Future<ApplyResult> bundleReply(String node, String what, Future<AgentReply> reply) {
        return reply.recover(f -> Future.failedFuture(new RolloutFailure("node " + node + ": " + what + " failed: " + f.getMessage())))
                .compose(r -> r.ok() && r.result() != null ? Future.succeededFuture(r.result())
                        : Future.failedFuture(new RolloutFailure("node " + node + ": " + what + " refused: " + r.error())));
    }

    static Future<String> hostReply(String node, String what, Future<AgentReply> reply) {
        return reply.recover(f -> Future.failedFuture(new RolloutFailure("node " + node + ": " + what + " failed: " + f.getMessage())))
                .compose(r -> r.ok() ? Future.succeededFuture(r.output())
                        : Future.failedFuture(new RolloutFailure("node " + node + ": " + what + " refused: " + r.error())));
    }
}
