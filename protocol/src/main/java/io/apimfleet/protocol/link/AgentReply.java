package io.apimfleet.protocol.link;

import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.RollbackResult;

/**
 * An agent's answer: {@code ok} with what it did, or the reason it did not (never a secret);
 * {@code output} carries text such as a log tail.
 */
public record AgentReply(boolean ok, String error, Facts facts, ApplyResult result, RollbackResult rollback, String output) {
    public AgentReply(boolean ok, String error, Facts facts, ApplyResult result, RollbackResult rollback) {
        this(ok, error, facts, result, rollback, null);
    }

    public static AgentReply refused(String reason) {
        return new AgentReply(false, reason, null, null, null, null);
    }
}
