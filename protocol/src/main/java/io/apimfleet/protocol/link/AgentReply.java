package io.apimfleet.protocol.link;

import io.apimfleet.protocol.bundle.ApplyResult;
import io.apimfleet.protocol.bundle.RollbackResult;

/** An agent's answer: {@code ok} with what it did, or the reason it did not (never a secret). */
public record AgentReply(boolean ok, String error, Facts facts, ApplyResult result, RollbackResult rollback) {
    public static AgentReply refused(String reason) {
        return new AgentReply(false, reason, null, null, null);
    }
}
