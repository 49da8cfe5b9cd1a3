package io.apimfleet.controller.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
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
 *       {@code EPOCH;INDEX\nJSON}: the epoch of the leader that wrote it, and the write's index
 *       (one more for every record a leader shares, continued by the next leader);
 *   <li>{@value #POSITIONS}: each member's position, the highest index it has written to its
 *       state directory (by member UUID), from which {@link #withPositions} tells how far each
 *       member is behind the leader.
 * </ul>
 * A record is replaced only by one written under the same or a larger epoch, so a deposed
 * leader that has not noticed yet cannot overwrite what its successor wrote. The secrets a spec
 * refers to travel only sealed, through {@link SharedState}; keys never leave a controller's
 * state directory. Every method but {@link #listen} blocks on the cluster: call it off the event loop.
 */
public final class SharedRollouts {
    static final String RECORDS = "apim-fleet-rollouts";
    static final String SPECS = "apim-fleet-rollout-specs";
    static final String POSITIONS = "apim-fleet-rollout-positions";
    /** Every member holds every entry (the owner and two backups in a cluster of three). */
    static final int BACKUPS = 2;

    /** One shared record: the epoch of the leader that wrote it, the write's index, and the record's JSON. */
    public record Shared(long id, long epoch, long index, String json) {
        static Shared parse(long id, String text) {
            int newline = text.indexOf('\n');
            String[] head = text.substring(0, newline).split(";", 2);
            return new Shared(id, Long.parseLong(head[0]), head.length < 2 ? 0 : Long.parseLong(head[1]), text.substring(newline + 1));
        }

        String text() {
            return epoch + ";" + index + "\n" + json;
        }
    }

    private final IMap<Long, String> records;
    private final IMap<Long, String> specs;
    private final IMap<String, Long> positions;
    private final String memberId;

    private SharedRollouts(HazelcastInstance hazelcast, String memberId) {
        this.records = hazelcast.getMap(RECORDS);
        this.specs = hazelcast.getMap(SPECS);
        this.positions = hazelcast.getMap(POSITIONS);
        this.memberId = memberId;
    }

    /** The maps of {@code cluster} (blocks: getting a map's proxy may wait on the cluster). */
    public static SharedRollouts of(ControllerCluster cluster) {
        return new SharedRollouts(cluster.hazelcast(), cluster.memberId());
    }

    /** Shares the spec of rollout {@code id} (each id has one spec: written once, never changed). */
    public void putSpec(long id, String yaml) {
        specs.set(id, Objects.requireNonNull(yaml, "yaml"));
    }

    /**
     * Shares the record of rollout {@code id} written under {@code epoch} as write {@code index}.
     * Returns false, and changes nothing, when the shared record was written under a larger
     * epoch (a newer leader's).
     */
    public boolean putRecord(long id, long epoch, long index, String json) {
        String text = new Shared(id, epoch, index, json).text();
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

    /** This member has written every shared record up to write {@code index} to its state directory. */
    public void putPosition(long index) {
        positions.set(memberId, index);
    }

    /**
     * {@code view} with each member's position ({@link ControllerMember#rolloutIndex()}) and how
     * many shared writes it is behind the leader ({@link ControllerMember#behind()}); both null
     * for a member that has written down no position (or when no member leads).
     */
    public ClusterView withPositions(ClusterView view) {
        Map<String, Long> known = new HashMap<>(positions.getAll(view.members().stream().map(ControllerMember::memberId).collect(Collectors.toSet())));
        Long head = view.leader().map(l -> known.get(l.memberId())).orElse(null);
        List<ControllerMember> rows = view.members().stream().map(m -> {
            Long index = known.get(m.memberId());
            Long behind = index == null || head == null ? null : Math.max(0, head - index);
            return new ControllerMember(m.memberId(), m.address(), m.api(), m.local(), m.leader(), m.epoch(), index, behind);
        }).toList();
        return new ClusterView(view.epoch(), rows);
    }
}
