package io.apimfleet.controller.pki;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import io.apimfleet.controller.spec.Durations;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Join tokens, kubeadm style: {@code <id>.<secret>} (6 and 24 lower-case letters and digits from
 * SecureRandom), single use, bound to one node name, short-lived. {@code tokens.json} keeps only
 * the SHA-256 of the whole token (compared in constant time), with its id, node, times and
 * used/revoked markers: the token itself is shown once, at creation, and never stored or logged.
 */
public final class JoinTokens {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    static final String CONTROLLER_PURPOSE = "controller";
    /** The name a controller token stands under in listings (a reserved name: no agent has it). */
    public static final String CONTROLLER_NODE = "fleet-controller";
    public static final Duration MAX_TTL = Duration.ofHours(24);
    static final int ID_LENGTH = 6;
    static final int SECRET_LENGTH = 24;
    private static final Pattern SHAPE = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16,64})");
    private static final Pattern ID = Pattern.compile("[a-z0-9]{6}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** A token's state, as {@code fleet token list} shows it. */
    public enum Status {
        VALID, USED, EXPIRED, REVOKED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A token just made: the only object that ever holds its value. */
    public record IssuedToken(String id, String node, String token, Instant expires) {
        @Override
        public String toString() {
            return "IssuedToken[id=" + id + ", node=" + node + ", token=(secret), expires=" + expires + "]";
        }
    }

    /** What is known of a token afterwards: never its value. */
    public record TokenInfo(String id, String node, Instant created, Instant expires, Instant usedAt, Instant revokedAt, Status status) {
    }

    /**
     * @param purpose null for an agent's token; {@value #CONTROLLER_PURPOSE} for a controller's
     *                ({@code fleet controller token create}), which only {@code fleet controller join} takes
     */
    record Entry(String id, String node, String sha256, Instant created, Instant expires, Instant usedAt, Instant revokedAt,
                 String purpose) {
        Entry(String id, String node, String sha256, Instant created, Instant expires, Instant usedAt, Instant revokedAt) {
            this(id, node, sha256, created, expires, usedAt, revokedAt, null);
        }

        boolean forController() {
            return CONTROLLER_PURPOSE.equals(purpose);
        }

        Status status(Instant now) {
            if (revokedAt != null) {
                return Status.REVOKED;
            }
            if (usedAt != null) {
                return Status.USED;
            }
            return now.isBefore(expires) ? Status.VALID : Status.EXPIRED;
        }

        TokenInfo info(Instant now) {
            return new TokenInfo(id, node, created, expires, usedAt, revokedAt, status(now));
        }
    }

    record TokenFile(int version, List<Entry> tokens) {
        TokenFile {
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
        }
    }

    private final ControllerState state;

    JoinTokens(ControllerState state) {
        this.state = state;
    }

    /** {@link #create(String, Duration, Instant)} now. */
    public IssuedToken create(String node, Duration ttl) {
        return create(node, ttl, Instant.now());
    }

    /**
     * Makes a token for {@code node} valid for {@code ttl} (null: 15 minutes; at most 24 hours).
     *
     * @throws IllegalArgumentException for a bad node name or TTL
     */
    public IssuedToken create(String node, Duration ttl, Instant now) {
        NodeNames.check(node);
        return make(node, null, ttl, now);
    }

    /**
     * Makes a one-time controller token valid for {@code ttl} (null: 15 minutes; at most 24 hours):
     * only {@code fleet controller join} takes it (an agent's join refuses it, and a controller's
     * join refuses an agent's token). Stored, like agents' tokens, as its SHA-256 only.
     */
    public IssuedToken createForController(Duration ttl, Instant now) {
        return make(CONTROLLER_NODE, CONTROLLER_PURPOSE, ttl, now);
    }

    private IssuedToken make(String node, String purpose, Duration ttl, Instant now) {
        Duration life = checkTtl(ttl == null ? DEFAULT_TTL : ttl);
        return state.locked(() -> {
            LoggedList<Entry, TokenFile> tokens = entries();
            String id;
            do {
                id = random(ID_LENGTH);
            } while (tokens.get(id).isPresent());
            String token = id + "." + random(SECRET_LENGTH);
            tokens.put(new Entry(id, node, hash(token), now, now.plus(life), null, null, purpose));
            state.record("token.created", fields("tokenId", id, "node", node, "purpose", purpose, "expires", now.plus(life).toString()));
            return new IssuedToken(id, node, token, now.plus(life));
        });
    }

    /**
     * Makes one token per node, as {@link #create(String, Duration, Instant)} would, in one rewrite
     * of {@code tokens.json} (many agents joining at once; one create per node rewrites the whole
     * file each time). Every node name is checked before anything is written.
     *
     * @throws IllegalArgumentException for a bad node name or TTL, or a name given twice
     */
    public List<IssuedToken> createAll(List<String> nodes, Duration ttl, Instant now) {
        nodes.forEach(NodeNames::check);
        if (new java.util.HashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException("a node is named twice: one token per node");
        }
        Duration life = checkTtl(ttl == null ? DEFAULT_TTL : ttl);
        return state.locked(() -> {
            TokenFile file = read();
            java.util.Set<String> ids = new java.util.HashSet<>();
            file.tokens().forEach(e -> ids.add(e.id()));
            List<Entry> entries = new ArrayList<>(file.tokens());
            List<IssuedToken> issued = new ArrayList<>();
            for (String node : nodes) {
                String id;
                do {
                    id = random(ID_LENGTH);
                } while (!ids.add(id));
                String token = id + "." + random(SECRET_LENGTH);
                entries.add(new Entry(id, node, hash(token), now, now.plus(life), null, null));
                issued.add(new IssuedToken(id, node, token, now.plus(life)));
            }
            entries().rewrite(entries);
            for (IssuedToken token : issued) {
                state.record("token.created", fields("tokenId", token.id(), "node", token.node(), "expires", token.expires().toString()));
            }
            return issued;
        });
    }

    /** Every token, oldest first, with its status at {@code now}. */
    public List<TokenInfo> list(Instant now) {
        return read().tokens().stream().map(e -> e.info(now)).toList();
    }

    /**
     * Revokes token {@code id} (a used or expired token may be revoked too: it only adds the marker).
     *
     * @return the token's info before this call
     * @throws IllegalArgumentException when there is no such token
     */
    public TokenInfo revoke(String id, Instant now) {
        return state.locked(() -> {
            LoggedList<Entry, TokenFile> tokens = entries();
            Entry entry = tokens.get(id).orElseThrow(() ->
                    new IllegalArgumentException("no join token with id '" + id + "' (fleet token list shows them)"));
            if (entry.revokedAt() == null) {
                tokens.put(new Entry(entry.id(), entry.node(), entry.sha256(), entry.created(), entry.expires(), entry.usedAt(), now, entry.purpose()));
                state.record("token.revoked", fields("tokenId", id, "node", entry.node()));
            }
            return entry.info(now);
        });
    }

    /** {@code fleet-agent join --controller https://<advertise> --node <node> --token <token> --ca-hash sha256:<hex>}. */
    public String joinCommand(IssuedToken token) {
        return "fleet-agent join --controller https://" + state.advertise() + " --node " + token.node() + " --token " + token.token()
                + " --ca-hash sha256:" + state.fleetCa().spkiSha256();
    }

    /**
     * {@code fleet controller join --controller https://<advertise> --token <token> --ca-hash sha256:<hex> --state DIR
     * --advertise HOST:PORT --cluster-bind ADDR}: what to run on the new controller's host (the last three are that host's).
     */
    public String controllerJoinCommand(IssuedToken token) {
        return "fleet controller join --controller https://" + state.advertise() + " --token " + token.token()
                + " --ca-hash sha256:" + state.fleetCa().spkiSha256() + " --state DIR --advertise HOST:PORT --cluster-bind ADDR";
    }

    /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 1h30m} (the spec's duration form): positive and at most 24h. */
    public static Duration parseTtl(String text) {
        return checkTtl(Durations.parse(text).orElseThrow(() ->
                new IllegalArgumentException("--ttl '" + text + "' is not a duration like 90s, 15m, 1h or 1h30m")));
    }

    private static Duration checkTtl(Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("--ttl must be more than zero");
        }
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be at most 24h: join tokens are short-lived; make a new one when needed");
        }
        return ttl;
    }

    /** The id part of a token-shaped string, the only part that may be logged. */
    static Optional<String> idOf(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        String id = dot < 0 ? null : token.substring(0, dot);
        return id != null && ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    // ------------------------------------------------------------------ for Enrollment, under the state lock

    /** An agent's token's entry when it may be used now; otherwise the refusal (a controller token is unknown here). */
    Entry check(String token, Instant now) {
        return check(token, false, now);
    }

    /**
     * The token's entry when it may be used now for what {@code controller} says (a controller's
     * join, or an agent's); otherwise the refusal. A token of the other purpose is refused as
     * unknown, saying nothing of it.
     */
    Entry check(String token, boolean controller, Instant now) {
        if (token == null || token.length() > 71 || !SHAPE.matcher(token).matches()) {
            throw new EnrollmentRefused(EnrollmentRefused.Reason.MALFORMED,
                    "the join token is malformed: expected <id>.<secret> exactly as fleet token create printed it");
        }
        String id = token.substring(0, ID_LENGTH);
        String make = controller ? "fleet controller token create" : "fleet token create";
        Entry entry = entries().get(id)
                .filter(e -> e.forController() == controller)
                .filter(e -> MessageDigest.isEqual(HexFormat.of().parseHex(e.sha256()), Crypto.sha256(token.getBytes(StandardCharsets.US_ASCII))))
                .orElseThrow(() -> new EnrollmentRefused(EnrollmentRefused.Reason.UNKNOWN,
                        "the join token is not known to this controller; check --controller, or make one with " + make));
        String remake = controller ? make : make + " --node " + entry.node();
        switch (entry.status(now)) {
            case REVOKED -> throw new EnrollmentRefused(EnrollmentRefused.Reason.REVOKED, entry.node(),
                    "the join token " + id + " was revoked; make a new one with " + remake);
            case USED -> throw new EnrollmentRefused(EnrollmentRefused.Reason.USED, entry.node(),
                    "the join token " + id + " was already used at " + entry.usedAt() + "; tokens are single-use: make a new one with " + remake);
            case EXPIRED -> throw new EnrollmentRefused(EnrollmentRefused.Reason.EXPIRED, entry.node(),
                    "the join token " + id + " expired at " + entry.expires() + "; make a new one with " + remake);
            default -> {
                return entry;
            }
        }
    }

    /** Marks the token used (one line appended to tokens.json.log, synced unless in {@link SecureFiles#syncedOnce}); refuses if it was used meanwhile. */
    void markUsed(Entry entry, Instant now) {
        Entry current = entries().get(entry.id()).orElseThrow();
        if (current.usedAt() != null || current.revokedAt() != null) {
            throw new EnrollmentRefused(current.revokedAt() != null ? EnrollmentRefused.Reason.REVOKED : EnrollmentRefused.Reason.USED,
                    current.node(), "the join token " + current.id() + " can no longer be used");
        }
        entries().put(new Entry(current.id(), current.node(), current.sha256(), current.created(), current.expires(), now, null, current.purpose()));
    }

    static void writeEmpty(Path file) {
        StateJson.write(file, new TokenFile(1, List.of()));
    }

    // ------------------------------------------------------------------ storage

    /** {@code tokens.json} and its side log {@code tokens.json.log}: a token made or changed is one appended line. */
    LoggedList<Entry, TokenFile> entries() {
        return new LoggedList<>(state.file(ControllerState.TOKENS), TokenFile.class, Entry.class, TokenFile::tokens,
                list -> new TokenFile(1, list), Entry::id);
    }

    private TokenFile read() {
        return new TokenFile(1, entries().read());
    }

    private static String hash(String token) {
        return Crypto.hex(Crypto.sha256(token.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[Crypto.RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    static Map<String, Object> fields(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                map.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return map;
    }
}
