package io.apimfleet.agent.enroll;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Renews this agent's certificate before it expires: once two thirds of its life have passed,
 * a new key is made here and its CSR goes to {@code POST /v1/renew}, over mutual TLS with the
 * current certificate. The new certificate is stored, then the new key replaces the old (a crash
 * in between is resolved when the identity is next loaded). Blocking: run it on a worker.
 */
public final class Renewal {
    /** What a renewal attempt came to. */
    public enum Outcome { RENEWED, TOO_EARLY }

    /** {@code identity} is the one to use from now on (the new one when renewed). */
    public record Result(Outcome outcome, Identity identity, String detail) {
    }

    /** A renewal that failed; the current identity stays in use. The message never holds a key. */
    public static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private final AgentState state;
    private final Clock clock;
    private final Consumer<String> log;

    public Renewal(AgentState state, Clock clock, Consumer<String> log) {
        this.state = state;
        this.clock = clock;
        this.log = log;
    }

    public boolean due(Identity identity) {
        return !clock.instant().isBefore(identity.renewalDue());
    }

    public Result renew(Identity current) {
        ControllerLink link = state.readLink();
        HostKeys keys = new HostKeys(state.hostSecrets());
        String csr = keys.newPendingIdentityRequest(current.node());
        List<X509Certificate> chain;
        JsonNode answer;
        try {
            ControllerHttps.Answer reply;
            try {
                reply = ControllerHttps.postJson(link.controllerUri().resolve("/v1/renew"), current.sslContext(), Map.of("csr", csr));
            } catch (IOException e) {
                throw new Failed("cannot reach the controller at " + link.controller() + ": " + Join.describe(e));
            }
            if (reply.status() != 200) {
                if (reply.code().filter("too-early"::equals).isPresent()) {
                    state.discardPendingKey();
                    return new Result(Outcome.TOO_EARLY, current, reply.refusal());
                }
                throw new Failed("the controller refused the renewal: " + reply.refusal());
            }
            answer = reply.json().orElseThrow(() -> new Failed("the controller's renewal answer is not JSON"));
            try {
                chain = Join.checkedChain(text(answer, "certificate"), text(answer, "caCertificate"), text(answer, "node"),
                        current.node(), current.ca(), HostKeys.requestedKey(csr));
            } catch (Join.Failure e) {
                throw new Failed(e.getMessage());
            }
        } catch (RuntimeException e) {
            state.discardPendingKey();
            throw e;
        }
        state.write(state.certificateFile(), Join.pem(chain));
        state.promotePendingKey();
        updateEndpoints(answer);
        Identity renewed = state.loadIdentity();
        return new Result(Outcome.RENEWED, renewed, "valid until " + renewed.notAfter());
    }

    /** A renewal answer may name new bridge endpoints; keep them when it does. */
    private void updateEndpoints(JsonNode answer) {
        JsonNode endpoints = answer.get("bridgeEndpoints");
        if (endpoints == null || !endpoints.isArray() || endpoints.isEmpty()) {
            return;
        }
        List<String> list = new ArrayList<>();
        endpoints.forEach(e -> list.add(e.asText()));
        state.updateBridgeEndpoints(BridgeEndpoints.parse(list, line -> log.accept("identity: " + line)));
    }

    private static String text(JsonNode node, String field) {
        return Optional.ofNullable(node.get(field)).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
    }
}
