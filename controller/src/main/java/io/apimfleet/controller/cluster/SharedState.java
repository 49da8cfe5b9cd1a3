package io.apimfleet.controller.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;

/**
 * The state every controller of the cluster holds besides rollouts: Hazelcast maps named
 * {@value #PREFIX}KIND (join tokens' hashes, agents, revocations, sealed secrets: whatever the
 * caller shares, key to text), each entry on every member of three (backup count
 * {@value #BACKUPS}, synchronous), and the claims that spend a join token once in the cluster.
 *
 * <p>An entry changes only by a join ({@link #merge}): the caller's function, which must not
 * depend on the order two versions meet in, so members that write at once, or that offer what
 * their state directories hold after a full restart of the cluster, all end with the same entry.
 * Nothing here holds a clear secret: tokens go as hashes, secrets sealed with the master key.
 * Every method but {@link #listen} blocks on the cluster: call it off the event loop.
 */
public final class SharedState {
    static final String PREFIX = "apim-fleet-state-";
    /**
     * Token id to the member that spent it. A put-if-absent on an IMap (an entry processor, so
     * that the caller can stop waiting) is atomic on the key's partition owner and completes only
     * once both backups have the entry (backup count
     * {@value #BACKUPS}, synchronous), so of two controllers spending one token at once exactly one
     * gets true back, and a claim outlives the loss of any member. The map also has a split-brain
     * protection of {@value #CLAIM_QUORUM} members: a controller cut off from the other two cannot
     * claim at all, so two sides of a partition never both spend one token. (A CP structure per
     * token would give the same with Raft, but CP objects are never reclaimed and open-source
     * Hazelcast has no CP map.)
     */
    static final String CLAIMS = PREFIX + "token-claims";
    static final String CLAIM_QUORUM_NAME = "apim-fleet-majority";
    static final int CLAIM_QUORUM = 2;
    /** Every member holds every entry (the owner and two backups in a cluster of three). */
    static final int BACKUPS = 2;
    static final long CLAIM_TIMEOUT_S = 10;

    private final HazelcastInstance hazelcast;
    private final String memberId;

    private SharedState(HazelcastInstance hazelcast, String memberId) {
        this.hazelcast = hazelcast;
        this.memberId = memberId;
    }

    /** The shared state of {@code cluster}. */
    public static SharedState of(ControllerCluster cluster) {
        return new SharedState(cluster.hazelcast(), cluster.memberId());
    }

    /**
     * Joins {@code value} into the entry {@code key} of {@code kind} (compare-and-set, retried
     * while another member changes it); returns the entry as it is now.
     */
    public String merge(String kind, String key, String value, BinaryOperator<String> join) {
        Objects.requireNonNull(value, "value");
        IMap<String, String> map = map(kind);
        while (true) {
            String current = map.get(key);
            if (current == null) {
                if (map.putIfAbsent(key, value) == null) {
                    return value;
                }
                continue;
            }
            String joined = join.apply(current, value);
            if (joined.equals(current) || map.replace(key, current, joined)) {
                return joined;
            }
        }
    }

    /** Every entry of {@code kind}. */
    public Map<String, String> all(String kind) {
        return new HashMap<>(map(kind));
    }

    /**
     * Calls {@code changed} with each entry of {@code kind} added or replaced, on a Hazelcast
     * event thread: hand it on, never block there. Returns the registration, for {@link #unlisten}.
     */
    public UUID listen(String kind, BiConsumer<String, String> changed) {
        Objects.requireNonNull(changed, "changed");
        class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
            @Override
            public void entryAdded(EntryEvent<String, String> event) {
                changed.accept(event.getKey(), event.getValue());
            }

            @Override
            public void entryUpdated(EntryEvent<String, String> event) {
                changed.accept(event.getKey(), event.getValue());
            }
        }
        return map(kind).addEntryListener(new Listener(), true);
    }

    public void unlisten(String kind, UUID registration) {
        map(kind).removeEntryListener(registration);
    }

    /**
     * True when this member spends join token {@code tokenId} now, false when some member did
     * before (see {@link #CLAIMS}). Waits at most {@value #CLAIM_TIMEOUT_S} s (the enrollment
     * holds the state's lock meanwhile), then throws: the token may have been claimed all the
     * same, and the agent then needs a new one; it is never spent twice.
     */
    public boolean claim(String tokenId) {
        IMap<String, String> claims = hazelcast.getMap(CLAIMS);
        try {
            return claims.submitToKey(tokenId, new Claim(memberId)).toCompletableFuture().get(CLAIM_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the controller cluster refused to spend join token " + tokenId + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the controller cluster did not confirm spending join token " + tokenId + " within " + CLAIM_TIMEOUT_S + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while spending join token " + tokenId, e);
        }
    }

    /**
     * The claim as the key's partition owner runs it, and then each backup: atomic there (one
     * partition thread), a put-if-absent that reports whether it put.
     */
    private record Claim(String memberId) implements EntryProcessor<String, String, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, String> entry) {
            if (entry.getValue() != null) {
                return false;
            }
            entry.setValue(memberId);
            return true;
        }
    }

    private IMap<String, String> map(String kind) {
        return hazelcast.getMap(PREFIX + kind);
    }
}
