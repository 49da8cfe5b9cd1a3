package io.apimfleet.controller.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * What the leader shares of its rollouts with the other controllers, so that a new leader can
 * take a rollout over: two Hazelcast maps keyed by rollout id, each entry kept on every member
 * of a three-controller cluster (backup count {@value #BACKUPS}, synchronous: a write returns
 * once the backups have it).
 * <ul>
 *   <li>{@value #SPECS}: the spec revision as it was sent ({@code rollouts/ID.yaml}: secret
 *       references, never values; the spec check refuses a password written inline);
 *   <li>{@value #RECORDS}: the rollout's record ({@code rollouts/ID.json}), as
 *       {@code EPOCH\nJSON}: the epoch of the leader that wrote it.
 * </ul>
 * A record is replaced only by one written under the same or a larger epoch, so a deposed
 * leader that has not noticed yet cannot overwrite what its successor wrote. Nothing else goes
 * through Hazelcast: secrets, keys and the secret store stay in each controller's state
 * directory. Every method but {@link #listen} blocks on the cluster: call it off the event loop.
 */
public final class SharedRollouts {
    static final String RECORDS = "apim-fleet-rollouts";
    static final String SPECS = "apim-fleet-rollout-specs";
    /** Every member holds every entry (the owner and two backups in a cluster of three). */
    static final int BACKUPS = 2;

    /** One shared record: the epoch of the leader that wrote it, and the record's JSON. */
    public record Shared(long id, long epoch, String json) {
        static Shared parse(long id, String text) {
            int newline = text.indexOf('\n');
            return new Shared(id, Long.parseLong(text.substring(0, newline)), text.substring(newline + 1));
        }

        String text() {
            return epoch + "\n" + json;
        }
    }

    private final IMap<Long, String> records;
    private final IMap<Long, String> specs;

    private SharedRollouts(HazelcastInstance hazelcast) {
        this.records = hazelcast.getMap(RECORDS);
        this.specs = hazelcast.getMap(SPECS);
    }

    /** The maps of {@code cluster} (blocks: getting a map's proxy may wait on the cluster). */
    public static SharedRollouts of(ControllerCluster cluster) {
        return new SharedRollouts(cluster.hazelcast());
    }

    /** Shares the spec of rollout {@code id} (each id has one spec: written once, never changed). */
    public void putSpec(long id, String yaml) {
        specs.set(id, Objects.requireNonNull(yaml, "yaml"));
    }

    /**
     * Shares the record of rollout {@code id} written under {@code epoch}. Returns false, and
     * changes nothing, when the shared record was written under a larger epoch (a newer leader's).
     */
    public boolean putRecord(long id, long epoch, String json) {
        String text = new Shared(id, epoch, json).text();
        while (true) {
            String current = records.get(id);
            if (current == null) {
                if (records.putIfAbsent(id, text) == null) {
                    return true;
                }
            } else if (Shared.parse(id, current).epoch() > epoch) {
                return false;
            } else if (records.replace(id, current, text)) {
                return true;
            }
        }
    }

    public Optional<Shared> record(long id) {
        return Optional.ofNullable(records.get(id)).map(text -> Shared.parse(id, text));
    }

    public Optional<String> spec(long id) {
        return Optional.ofNullable(specs.get(id));
    }

    /** Every shared record, by id. */
    public SortedMap<Long, Shared> records() {
        SortedMap<Long, Shared> all = new TreeMap<>();
        records.forEach((id, text) -> all.put(id, Shared.parse(id, text)));
        return all;
    }

    /**
     * Calls {@code changed} with the id of each record added or replaced, on a Hazelcast event
     * thread (events of one id come in order): hand it on, never block there. Returns the
     * listener's registration, for {@link #unlisten}.
     */
    public UUID listen(LongConsumer changed) {
        Objects.requireNonNull(changed, "changed");
        class Listener implements EntryAddedListener<Long, String>, EntryUpdatedListener<Long, String> {
            @Override
            public void entryAdded(EntryEvent<Long, String> event) {
                changed.accept(event.getKey());
            }

            @Override
            public void entryUpdated(EntryEvent<Long, String> event) {
                changed.accept(event.getKey());
            }
        }
        return records.addEntryListener(new Listener(), false);
    }

    public void unlisten(UUID registration) {
        records.removeEntryListener(registration);
    }
}
