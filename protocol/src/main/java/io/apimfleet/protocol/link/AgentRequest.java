package io.apimfleet.protocol.link;

import io.apimfleet.protocol.bundle.Bundle;

import java.util.Map;
import java.util.TreeSet;

/**
 * A request from the controller to one agent, on {@link Addresses#commands}. One bundle request
 * runs at a time per host; another is refused with a reason, never queued silently.
 *
 * @param secrets the values of the {@code ${secret:NAME}} references the bundle holds (the
 *                cluster's primary key among them): they travel only over the agent's mutual-TLS
 *                link, are used while the bundle is applied, and are never stored or printed
 * @param subject  for {@link Kind#TLS_CSR}: the common name the product TLS certificate will carry
 * @param revision for {@link Kind#ROLLBACK}: refuse unless this revision is the one applied (0: whichever is)
 */
public record AgentRequest(Kind kind, Bundle bundle, boolean force, int lines, Map<String, String> secrets, String subject,
                           long revision) {
    /**
     * FACTS; PLAN, APPLY, ROLLBACK (bundles); START (the product, with the process of the last
     * applied bundle), STOP (graceful, then killed after a timeout; {@code force}: kill at once),
     * RESTART, LOGS (the last {@code lines} lines of the product's log); TLS_CSR (a CSR for the
     * host's product TLS key, made on the host the first time or when {@code force} asks for a
     * new key; the PEM comes back as the reply's output); RELOAD (the last bundle's reload command,
     * which makes the running product take new files without stopping); ADMIN (the command line
     * {@code subject} sent to the running product's admin socket; its answer as the output).
     */
    public enum Kind { FACTS, PLAN, APPLY, ROLLBACK, START, STOP, RESTART, LOGS, TLS_CSR, RELOAD, ADMIN }

    public AgentRequest {
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
    }

    public AgentRequest(Kind kind, Bundle bundle, boolean force, int lines) {
        this(kind, bundle, force, lines, Map.of(), null, 0);
    }

    public AgentRequest(Kind kind, Bundle bundle, boolean force) {
        this(kind, bundle, force, 0);
    }

    public static AgentRequest of(Kind kind) {
        return new AgentRequest(kind, null, false, 0);
    }

    /** A bundle request carrying the secret values its references need. */
    public static AgentRequest withSecrets(Kind kind, Bundle bundle, Map<String, String> secrets) {
        return new AgentRequest(kind, bundle, false, 0, secrets, null, 0);
    }

    /** A command line for the running product's admin socket (e.g. HAProxy's {@code set server B/S state drain}). */
    public static AgentRequest admin(String commandLine) {
        return new AgentRequest(Kind.ADMIN, null, false, 0, Map.of(), commandLine, 0);
    }

    /** A CSR for the host's product TLS key, with {@code commonName}; {@code newKey} makes a new key first. */
    public static AgentRequest tlsCsr(String commonName, boolean newKey) {
        return new AgentRequest(Kind.TLS_CSR, null, newKey, 0, Map.of(), commonName, 0);
    }

    /** Rolls back {@code revision}, and only it: refused when the host has another one applied. */
    public static AgentRequest rollback(long revision) {
        return new AgentRequest(Kind.ROLLBACK, null, false, 0, Map.of(), null, revision);
    }

    /** Names the secrets, never their values. */
    @Override
    public String toString() {
        return "AgentRequest[kind=" + kind + ", bundle=" + (bundle == null ? null : bundle.node() + "@" + bundle.revision())
                + ", force=" + force + ", lines=" + lines + ", secrets=" + new TreeSet<>(secrets.keySet()) + ", subject=" + subject + (revision == 0 ? "" : ", revision=" + revision) + "]";
    }
}
