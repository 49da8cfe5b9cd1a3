package io.apimfleet.controller.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apimfleet.controller.daemon.StateWorker;
import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.EnrollmentRefused;
import io.apimfleet.controller.recipe.LoadBalancerMaterial;
import io.apimfleet.controller.recipe.LoadBalancerRecipe;
import io.apimfleet.controller.recipe.RecipeException;
import io.apimfleet.controller.recipe.Recipes;
import io.apimfleet.controller.recipe.TrustMaterial;
import io.apimfleet.controller.registry.AgentRequestFailed;
import io.apimfleet.controller.registry.AgentRequests;
import io.apimfleet.controller.secret.SecretStore;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.controller.trust.ProductKeys;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.SecretRef;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.link.AgentRequest;
import io.vertx.core.Future;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns a valid spec into every API-M node's bundle, with product trust through the agents: each
 * host keeps its TLS key (made at join), or makes a new one after its certificate was retired,
 * and sends a CSR; the controller certifies it (re-using a
 * certificate still right for that key); then every bundle carries its node's chain, its peers'
 * certificates and the cluster's primary certificate. The primary key and the spec's secrets go
 * with the requests, never into a bundle. Fails before any home is touched when an agent is
 * missing or a secret is unknown.
 */
final class ClusterRender {
    private final ControllerState state;
    private final StateWorker worker;
    private final AgentRequests requests;
    private final SecretStore secrets;

    ClusterRender(ControllerState state, StateWorker worker, AgentRequests requests, SecretStore secrets) {
        this.state = state;
        this.worker = worker;
        this.requests = requests;
        this.secrets = secrets;
    }

    Future<RenderedCluster> render(ClusterSpec spec, long revision) {
        List<Node> nodes = spec.nodes().stream()
                .filter(n -> n.role().isApim() || (n.role() == Role.LOAD_BALANCER && Phase.fronts(spec))).toList();
        return worker.call(() -> {
            ProductKeys keys = ProductKeys.of(state, spec);
            keys.primaryCertificate();
            Map<String, Boolean> newKey = new LinkedHashMap<>();
            nodes.forEach(n -> newKey.put(n.name(), keys.newKeyWanted(n.name())));
            return newKey;
        }).compose(newKey -> Future.all(nodes.stream().map(n -> csr(n, newKey.get(n.name()))).toList())
        ).compose(csrs -> worker.call(() -> {
            ProductKeys keys = ProductKeys.of(state, spec);
            Instant now = Instant.now();
            for (int i = 0; i < nodes.size(); i++) {
                try {
                    keys.certifyTls(nodes.get(i).name(), csrs.resultAt(i), now);
                } catch (IllegalArgumentException | EnrollmentRefused e) {
                    throw new RolloutFailure("node " + nodes.get(i).name() + ": its TLS CSR was refused: " + e.getMessage()
                            + "; fleet certs rotate --node " + nodes.get(i).name() + " -f SPEC makes the host start over with a new key");
                }
            }
            return bundles(spec, revision, nodes, keys);
        }));
    }

    private Future<String> csr(Node node, boolean newKey) {
        return requests.request(node.name(), AgentRequest.tlsCsr(node.host(), newKey))
                .recover(failure -> Future.failedFuture(new RolloutFailure("node " + node.name() + ": "
                        + (failure instanceof AgentRequestFailed f && f.reason() == AgentRequestFailed.Reason.NOT_CONNECTED
                        ? "its agent is not connected (fleet agents; on the host: fleet-agent run)"
                        : "cannot get a CSR for its TLS key: " + failure.getMessage()))))
                .compose(reply -> reply.ok() && reply.output() != null ? Future.succeededFuture(reply.output())
                        : Future.failedFuture(new RolloutFailure("node " + node.name() + ": its agent made no TLS CSR: " + reply.error())));
    }

    private RenderedCluster bundles(ClusterSpec spec, long revision, List<Node> nodes, ProductKeys keys) {
        Map<String, Bundle> bundles = new LinkedHashMap<>();
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Set<String>> missing = new TreeMap<>();
        String primaryKey = keys.primaryKeyPem();
        Function<Set<String>, Bundle> balancer = null;
        for (Node node : nodes) {
            Recipes.NodeBundle rendered;
            try {
                if (node.role() == Role.LOAD_BALANCER) {
                    X509Certificate ca = state.productCa().root();
                    List<X509Certificate> chain = keys.tlsChain(node.name());
                    balancer = drained -> LoadBalancerRecipe.bundle(spec, revision, new LoadBalancerMaterial(ca, chain, drained)).bundle();
                    rendered = LoadBalancerRecipe.bundle(spec, revision, new LoadBalancerMaterial(ca, chain));
                } else {
                    rendered = Recipes.bundle(spec, node.name(), revision, Recipes.DriverJars.fromDisk(), keys.material(node.name()));
                }
            } catch (RecipeException e) {
                throw new RolloutFailure("node " + node.name() + ": " + e.getMessage());
            }
            rendered.warnings().forEach(w -> warnings.add(node.name() + ": " + w));
            Set<String> names = secretNames(rendered.bundle());
            Map<String, String> found = new LinkedHashMap<>(secrets.values(names));
            if (names.contains(TrustMaterial.PRIMARY_KEY_SECRET)) {
                found.put(TrustMaterial.PRIMARY_KEY_SECRET, primaryKey);
            }
            names.stream().filter(n -> !found.containsKey(n)).forEach(n -> missing.computeIfAbsent(n, k -> new TreeSet<>()).add(node.name()));
            bundles.put(node.name(), rendered.bundle());
            values.put(node.name(), found);
        }
        if (!missing.isEmpty()) {
            List<String> parts = new ArrayList<>();
            missing.forEach((name, where) -> parts.add(name + " (" + String.join(", ", where) + ")"));
            throw new RolloutFailure("the controller has no value for " + String.join(", ", parts)
                    + "; store " + (missing.size() == 1 ? "it" : "them") + " with: fleet secret set NAME (value on standard input),"
                    + " or fleet apply --secrets FILE");
        }
        spec.nodes().stream().filter(n -> !nodes.contains(n))
                .forEach(n -> warnings.add(n.name() + ": a " + n.role().yamlName() + " with nothing to do (no role has two nodes to front); left alone"));
        return new RenderedCluster(spec, revision, bundles, values, warnings, balancer);
    }

    /** The {@code ${secret:NAME}} references anywhere in the bundle. */
    static Set<String> secretNames(Bundle bundle) {
        try {
            return new LinkedHashSet<>(SecretRef.names(Json.mapper().writeValueAsString(bundle)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the bundle of " + bundle.node(), e);
        }
    }
}
