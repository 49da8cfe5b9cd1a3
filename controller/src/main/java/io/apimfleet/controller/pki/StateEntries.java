package io.apimfleet.controller.pki;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The entries of a state that the controllers of one cluster share, each as a key and its JSON:
 * join tokens by id (hash, node, times, used and revoked markers: never a token's value),
 * enrolled agents by node (public certificates only) and revocations by issuer and serial.
 *
 * <p>{@link #join} merges two versions of one entry so that the order they meet in does not
 * matter (commutative, associative, idempotent): every member ends with the same entry, and a
 * full restart of the cluster, each member offering what its state directory holds, loses
 * nothing. A token keeps a used or revoked marker once any version has it (the earliest time);
 * of two versions of an agent the one with the newest certificate wins; a revocation is never
 * undone. An agent whose newest certificate is revoked is dropped from the registry wherever the
 * revocation arrives: that is how a removal ({@link AgentRegistry#remove}) travels.
 *
 * <p>Blocking (files, the state's lock): call it on the state worker.
 */
public final class StateEntries {
    /** What is shared, in the order a member merges them (revocations before the agents they remove). */
    public enum Kind {
        REVOCATIONS, AGENTS, TOKENS
    }

    private final ControllerState state;

    StateEntries(ControllerState state) {
        this.state = state;
    }

    /** Changes (to an unequal value) whenever an entry of {@code kind} may have changed on disk, here or by another process. */
    public Object version(Kind kind) {
        return switch (kind) {
            case REVOCATIONS -> versionOf(state.file(ControllerState.REVOKED));
            case AGENTS -> state.agents().entries().versions();
            case TOKENS -> state.tokens().entries().versions();
        };
    }

    /** Every entry of {@code kind}: key to JSON. */
    public Map<String, String> all(Kind kind) {
        Map<String, String> all = new LinkedHashMap<>();
        switch (kind) {
            case REVOCATIONS -> RevocationList.read(state.file(ControllerState.REVOKED)).revoked().forEach(r -> all.put(r.key(defaultIssuer()), json(r)));
            case AGENTS -> state.agents().entries().read().forEach(a -> all.put(a.node(), json(a)));
            case TOKENS -> state.tokens().entries().read().forEach(t -> all.put(t.id(), json(t)));
        }
        return all;
    }

    /**
     * Writes {@code entries} (key to JSON, from another controller) into this state, each joined
     * with the version here; unreadable entries are left out. Journals nothing: the journal is
     * shared on its own.
     *
     * @return how many entries changed here
     */
    public int merge(Kind kind, Map<String, String> entries) {
        return state.locked(() -> switch (kind) {
            case REVOCATIONS -> mergeRevocations(entries);
            case AGENTS -> mergeAgents(entries);
            case TOKENS -> mergeTokens(entries);
        });
    }

    /** The merge of two versions of one entry of {@code kind}, as JSON (one of them when it wins whole). */
    public static String join(Kind kind, String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        return switch (kind) {
            case REVOCATIONS -> {   // the earliest revocation
                Instant x = parse(a, RevocationList.Revoked.class).revokedAt();
                Instant y = parse(b, RevocationList.Revoked.class).revokedAt();
                yield larger(a, b, y.compareTo(x));
            }
            case AGENTS -> larger(a, b, AGENT_ORDER.compare(parse(a, AgentRegistry.Agent.class), parse(b, AgentRegistry.Agent.class)));
            case TOKENS -> json(join(parse(a, JoinTokens.Entry.class), parse(b, JoinTokens.Entry.class)));
        };
    }

    // ------------------------------------------------------------------ joins

    /** Newest certificate first decides, then the number of certificates. */
    private static final Comparator<AgentRegistry.Agent> AGENT_ORDER = Comparator
            .comparing((AgentRegistry.Agent agent) -> agent.latest().issuedAt())
            .thenComparing(agent -> agent.certificates().size());

    /** {@code a} when it orders after {@code b} ({@code order} above 0), on a tie the larger text (so the join never depends on the order). */
    private static String larger(String a, String b, int order) {
        return order > 0 ? a : order < 0 ? b : a.compareTo(b) >= 0 ? a : b;
    }

    static JoinTokens.Entry join(JoinTokens.Entry a, JoinTokens.Entry b) {
        if (!a.sha256().equals(b.sha256())) {
            // two controllers made a token with the same id at once (one chance in 36^6): the one made first stays, the other is unknown
            Comparator<JoinTokens.Entry> first = Comparator.comparing(JoinTokens.Entry::created).thenComparing(JoinTokens.Entry::sha256);
            return first.compare(a, b) <= 0 ? a : b;
        }
        return new JoinTokens.Entry(a.id(), a.node(), a.sha256(), a.created(), a.expires(),
                earliest(a.usedAt(), b.usedAt()), earliest(a.revokedAt(), b.revokedAt()), a.purpose() != null ? a.purpose() : b.purpose());
    }

    private static Instant earliest(Instant x, Instant y) {
        return x == null ? y : y == null ? x : x.isBefore(y) ? x : y;
    }

    // ------------------------------------------------------------------ merges, under the state's lock

    private int mergeRevocations(Map<String, String> entries) {
        Path file = state.file(ControllerState.REVOKED);
        Set<String> known = revokedKeys();
        List<RevocationList.Revoked> more = new ArrayList<>();
        entries.forEach((key, json) -> {
            if (!known.contains(key)) {
                RevocationList.Revoked revoked = parseOrNull(json, RevocationList.Revoked.class);
                if (revoked != null && revoked.key(defaultIssuer()).equals(key)) {
                    more.add(revoked);
                }
            }
        });
        if (more.isEmpty()) {
            return 0;
        }
        RevocationList.add(file, more);
        return more.size() + dropRevokedAgents();
    }

    /** Drops every agent whose newest certificate is revoked (removed on another controller). */
    private int dropRevokedAgents() {
        Set<String> revoked = revokedKeys();
        LoggedList<AgentRegistry.Agent, ?> agents = state.agents().entries();
        List<AgentRegistry.Agent> all = agents.read();
        List<AgentRegistry.Agent> kept = all.stream().filter(a -> !revoked.contains(RevocationList.key(a.latest().certificate()))).toList();
        if (kept.size() != all.size()) {
            agents.rewrite(kept);
        }
        return all.size() - kept.size();
    }

    private int mergeAgents(Map<String, String> entries) {
        Set<String> revoked = revokedKeys();
        LoggedList<AgentRegistry.Agent, ?> agents = state.agents().entries();
        int changed = 0;
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            AgentRegistry.Agent remote = parseOrNull(entry.getValue(), AgentRegistry.Agent.class);
            if (remote == null || !remote.node().equals(entry.getKey()) || remote.certificates().isEmpty()
                    || revoked.contains(RevocationList.key(remote.latest().certificate()))) {
                continue;
            }
            AgentRegistry.Agent local = agents.get(remote.node()).orElse(null);
            if (local == null || AGENT_ORDER.compare(remote, local) > 0) {
                agents.put(remote);
                changed++;
            }
        }
        return changed;
    }

    private int mergeTokens(Map<String, String> entries) {
        LoggedList<JoinTokens.Entry, ?> tokens = state.tokens().entries();
        int changed = 0;
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            JoinTokens.Entry remote = parseOrNull(entry.getValue(), JoinTokens.Entry.class);
            if (remote == null || !remote.id().equals(entry.getKey())) {
                continue;
            }
            JoinTokens.Entry local = tokens.get(remote.id()).orElse(null);
            JoinTokens.Entry joined = local == null ? remote : join(local, remote);
            if (!joined.equals(local)) {
                tokens.put(joined);
                changed++;
            }
        }
        return changed;
    }

    /** Revocations are named by issuer and serial ({@link RevocationList#key}): serials are unique per issuing CA only. */
    private Set<String> revokedKeys() {
        String issuer = defaultIssuer();
        return RevocationList.read(state.file(ControllerState.REVOKED)).revoked().stream()
                .map(r -> r.key(issuer)).collect(Collectors.toSet());
    }

    /** The issuer of revocations written before they named one: the fleet root. */
    private String defaultIssuer() {
        return state.fleetCa().root().getSubjectX500Principal().getName();
    }

    // ------------------------------------------------------------------ JSON

    private static String json(Object entry) {
        try {
            return StateJson.LINES.writeValueAsString(entry);
        } catch (IOException e) {
            throw new ControllerStateException("cannot encode a shared entry: " + e.getMessage(), e);
        }
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return StateJson.FILES.readValue(json, type);
        } catch (IOException e) {
            // the entry's text is left out of the message: a shared entry is never a secret, but stays out of logs all the same
            throw new ControllerStateException("a shared " + type.getSimpleName() + " is unreadable", e);
        }
    }

    private static <T> T parseOrNull(String json, Class<T> type) {
        try {
            return parse(json, type);
        } catch (ControllerStateException e) {
            return null;
        }
    }

    private static Object versionOf(Path file) {
        try {
            return StateJson.Version.of(file);
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            throw new ControllerStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
