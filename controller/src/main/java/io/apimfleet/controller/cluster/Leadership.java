package io.apimfleet.controller.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.cp.IAtomicReference;
import com.hazelcast.cp.lock.FencedLock;
import com.hazelcast.cp.lock.exception.LockOwnershipLostException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leader election among the controllers over the CP {@code FencedLock}
 * {@value #LOCK_NAME}: the member that holds the lock is the leader, and each term has a
 * <b>leadership epoch</b>, which grows with every new term (so agents can refuse a command
 * stamped with an older epoch than the newest they have seen).
 *
 * <p>The epoch is not the lock's fencing token itself: that token derives from the CP group's
 * Raft log, so a new group (a full restart of the controllers) starts it small again, below what
 * agents have seen. A new leader takes one above the largest of: the group's newest epoch (the CP
 * {@code IAtomicReference} {@value #EPOCH_NAME}, {@code fence;epoch}), its {@link EpochFloor}
 * (the highest epoch it has acted under or seen, kept in its state directory) and its fence. It
 * writes it there with a compare-and-set that fails once a holder with a larger fence has written:
 * a paused old holder that wakes up cannot take an epoch above its successor's, and two terms
 * never share one. Followers write down the group's newest epoch in their own floor (so a later
 * lone run, or a new group, starts above it) and raise the group's epoch to their floor; a leader
 * whose epoch is then below the group's ends its term and competes anew, above it.
 *
 * <p>A lock belongs to a thread and a CP session, and acquiring it blocks: one platform thread per
 * member competes for it and, once leader, confirms every {@link #CHECK_INTERVAL} that it still
 * holds it. This member stops being leader when:
 * <ul>
 *   <li>the lock is no longer its own (its CP session was closed, e.g. after a pause longer than
 *       the session TTL; or the CP group says it does not hold it);
 *   <li>it could not confirm the lock for {@link #STEP_DOWN_AFTER} (no answer from the CP group,
 *       e.g. partitioned away): it steps down on its own before its session (TTL
 *       {@value HazelcastSettings#CP_SESSION_TTL_S} s) can expire and hand the lock to another;
 *       when the lock is confirmed again later it releases it and competes anew;
 *   <li>its Hazelcast member shuts down or starts a split-brain merge;
 *   <li>{@link #stop()}.
 * </ul>
 * A frozen process (SIGSTOP) cannot notice anything until it runs again: that is what the epoch
 * is for. Handlers and futures complete on the Vert.x context {@link #compete} was called on.
 *
 * <p>Which member is leader, for {@link #view()}, comes from a CP {@code IAtomicReference}
 * ({@value #RECORD_NAME}) the leader writes when elected (only ever to a larger epoch), shown only
 * while the lock is held and the member is still in the cluster.
 */
public final class Leadership {
    public static final String LOCK_NAME = "apim-fleet-leader";
    /** The Hazelcast member attribute holding a member's HTTPS API address. */
    static final String API_ATTRIBUTE = "apim-fleet.api";
    static final String RECORD_NAME = "apim-fleet-leader-record";
    static final String EPOCH_NAME = "apim-fleet-epoch";
    /** How long one attempt to take the lock waits (then the thread checks whether to stop). */
    static final Duration ACQUIRE_WAIT = Duration.ofSeconds(1);
    /** How often the leader confirms that it still holds the lock. */
    static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    /**
     * How long the first leader of a new CP group waits before it claims its epoch: every member
     * waiting for the lock writes its floor to the group within one {@link #ACQUIRE_WAIT}, so the
     * first term starts above all of them instead of being re-elected above them a moment later.
     */
    static final Duration NEW_GROUP_SETTLE = ACQUIRE_WAIT.plus(CHECK_INTERVAL);
    /** A leader that could not confirm the lock for this long steps down (below the session TTL). */
    static final Duration STEP_DOWN_AFTER = Duration.ofSeconds(HazelcastSettings.CP_SESSION_TTL_S - 2);

    private static final Logger LOG = Logger.getLogger(Leadership.class.getName());

    private final ControllerCluster cluster;
    private final HazelcastInstance hazelcast;
    private final Context context;
    /**
     * The CP objects, taken on the leadership thread: taking them waits until the CP subsystem has
     * formed (three members), and a controller must start, serve and admit joining controllers
     * before that. Null until then.
     */
    private volatile CpObjects cp;
    private final EpochFloor floor;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Promise<Void> stopped = Promise.promise();
    private final List<Handler<LeadershipChange>> handlers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final UUID lifecycleListener;
    private final long watchdog;
    /** The floor's value as last read or raised (the leadership thread's alone; -1 until read). */
    private long known = -1;

    // guarded by this
    private long epoch;
    private long confirmedAt;
    private boolean recordPublished;
    private boolean finished;
    private final List<Promise<Long>> electedWaiters = new ArrayList<>();
    private final List<Promise<LeadershipChange>> deposedWaiters = new ArrayList<>();

    private Leadership(ControllerCluster cluster, EpochFloor floor) {
        this.cluster = cluster;
        this.floor = floor;
        this.hazelcast = cluster.hazelcast();
        this.context = cluster.vertx().getOrCreateContext();
        this.lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(this::lifecycle);
        this.watchdog = cluster.vertx().setPeriodic(CHECK_INTERVAL.toMillis(), id -> checkConfirmed());
        this.thread = new Thread(this::run, "apim-fleet-leadership");
        this.thread.setDaemon(true);
    }

    /**
     * Starts competing for leadership (returns at once; election happens on a thread of its own).
     *
     * @param floor where this controller keeps the highest epoch it has acted under or seen
     */
    public static Leadership compete(ControllerCluster cluster, EpochFloor floor) {
        Leadership leadership = new Leadership(Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(floor, "floor"));
        leadership.thread.start();
        return leadership;
    }

    /** Calls {@code handler} at every change, on this leadership's Vert.x context. */
    public Leadership onChange(Handler<LeadershipChange> handler) {
        handlers.add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** Whether this member is leader now (as far as it has confirmed in the last {@link #STEP_DOWN_AFTER}). */
    public synchronized boolean isLeader() {
        return epoch > 0;
    }

    /** The epoch of this member's current term, 0 when it is not leader. */
    public synchronized long epoch() {
        return epoch;
    }

    /** Completes with the epoch when this member is leader: now, or at its next election. */
    public synchronized Future<Long> elected() {
        if (epoch > 0) {
            return Future.succeededFuture(epoch);
        }
        if (finished) {
            return Future.failedFuture("leadership stopped");
        }
        Promise<Long> promise = Promise.promise();
        electedWaiters.add(promise);
        return promise.future();
    }

    /** Completes when this member's current term ends (or its next one, when it is not leader now). */
    public synchronized Future<LeadershipChange> deposed() {
        if (finished && epoch == 0) {
            return Future.failedFuture("leadership stopped");
        }
        Promise<LeadershipChange> promise = Promise.promise();
        deposedWaiters.add(promise);
        return promise.future();
    }

    /** Every member and which one is leader, read from the cluster (off the event loop). */
    public Future<ClusterView> view() {
        return cluster.vertx().executeBlocking(this::readView, false);
    }

    /**
     * Stops competing; releases the lock if this member holds it. Completes when the thread has
     * ended, or at once while the CP subsystem has not formed (the thread held nothing yet).
     */
    public Future<Void> stop() {
        stopping.countDown();
        if (cp == null) {
            // still waiting for the CP subsystem (it may wait out a 60 s call): nothing is held, so
            // nothing to let go; the thread ends at its next check or when Hazelcast shuts down
            context.runOnContext(v -> stopped.tryComplete());
        }
        return stopped.future();
    }

    // ------------------------------------------------------------------ the leadership thread

    /** The leader lock and the two records beside it in the CP group. */
    private record CpObjects(FencedLock lock, IAtomicReference<String> record, IAtomicReference<String> epochs) {
        static CpObjects of(HazelcastInstance hazelcast) {
            return new CpObjects(hazelcast.getCPSubsystem().getLock(LOCK_NAME),
                    hazelcast.getCPSubsystem().getAtomicReference(RECORD_NAME), hazelcast.getCPSubsystem().getAtomicReference(EPOCH_NAME));
        }
    }

    /** Takes the CP objects, retrying until the CP subsystem answers; false when stopped first. */
    private boolean awaitCpObjects() {
        while (cp == null) {
            if (stopRequested()) {
                return false;
            }
            try {
                cp = CpObjects.of(hazelcast);
            } catch (HazelcastInstanceNotActiveException e) {
                return false;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "the CP subsystem has not formed yet", e);
                if (await(ACQUIRE_WAIT)) {
                    return false;
                }
            }
        }
        return true;
    }

    private void run() {
        try {
            if (!awaitCpObjects()) {
                return;
            }
            FencedLock lock = cp.lock();
            while (!stopRequested()) {
                long fence;
                try {
                    exchangeFloor();
                    fence = lock.tryLockAndGetFence(ACQUIRE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (HazelcastInstanceNotActiveException e) {
                    return;
                } catch (RuntimeException e) {
                    // CP subsystem not formed yet (fewer than three members), no majority, ...
                    LOG.log(Level.FINE, "cannot take the leader lock yet", e);
                    if (await(ACQUIRE_WAIT)) {
                        return;
                    }
                    continue;
                }
                if (fence == FencedLock.INVALID_FENCE) {
                    continue;
                }
                long epoch = claim(fence);
                if (epoch == 0) {
                    release();
                    continue;
                }
                publishRecord(epoch);
                begin(epoch);
                hold(fence, epoch);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "the leadership thread failed", e);
            end(epoch(), "the leadership thread failed: " + e);
        } finally {
            finish();
        }
    }

    /** Confirms the lock until this term ends; releases it when the term ended here. */
    private void hold(long fence, long epoch) {
        while (true) {
            if (await(CHECK_INTERVAL)) {
                end(epoch, "stopped");
                release();
                return;
            }
            if (!isTerm(epoch)) {
                // deposed by the watchdog (or a shutdown) while this thread waited: let the lock go
                release();
                return;
            }
            try {
                long current = cp.lock().getFence();
                if (current != fence) {
                    end(epoch, "the lock's fence moved from " + fence + " to " + current);
                    return;
                }
                confirmed(epoch);
                long newest = EpochRecord.parse(cp.epochs().get()).epoch();
                if (newest > epoch) {
                    // a follower knew a higher epoch than this term's (agents may have seen it): re-elect above it
                    end(epoch, "a controller knows epoch " + newest + ", above this term's");
                    release();
                    return;
                }
            } catch (LockOwnershipLostException e) {
                end(epoch, "lost the leader lock: this member's CP session was closed");
                return;
            } catch (IllegalMonitorStateException e) {
                end(epoch, "the leader lock is no longer held by this member");
                return;
            } catch (HazelcastInstanceNotActiveException e) {
                end(epoch, "this member is shutting down");
                return;
            } catch (RuntimeException e) {
                // no answer from the CP group: the watchdog steps down if this lasts
                LOG.log(Level.FINE, "cannot confirm the leader lock", e);
            }
            if (!recordPublished()) {
                publishRecord(epoch);
            }
        }
    }

    /**
     * Lets the lock go after a term ended here. Retries while the CP group does not answer, so that
     * a member that stepped down never keeps the lock (its session would keep it alive).
     */
    private void release() {
        while (true) {
            try {
                cp.lock().unlock();
                return;
            } catch (IllegalMonitorStateException | HazelcastInstanceNotActiveException e) {
                return; // not this thread's lock any more (LockOwnershipLostException is one)
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cannot release the leader lock yet", e);
                if (await(CHECK_INTERVAL)) {
                    return;
                }
            }
        }
    }

    /**
     * Takes this term's epoch, written down in this controller's floor before it is returned (so
     * whatever this controller takes next, clustered or lone, is above it). Returns 0 when a holder
     * with a larger fence has already claimed: this member holds a lock it has lost meanwhile.
     *
     * <p>Why not simply the fence plus an offset, or the fence alone: the fence restarts low in a
     * new CP group, and any offset would have to grow with every floor a member brings; one
     * compare-and-set on {@code fence;epoch} orders terms by fence and keeps the largest epoch seen.
     */
    private long claim(long fence) {
        try {
            if (EpochRecord.parse(cp.epochs().get()).fence() == 0 && await(NEW_GROUP_SETTLE)) {
                return 0;   // stopped meanwhile
            }
            long floorNow = knownFloor();
            while (true) {
                String current = cp.epochs().get();
                EpochRecord group = EpochRecord.parse(current);
                if (group.fence() > fence) {
                    LOG.info(() -> "the leader lock's fence " + fence + " is older than the group's newest term's (" + group.fence() + "): not leading");
                    return 0;
                }
                // the fence too: a group whose earlier leaders acted under their fence (before epochs were claimed) stays monotonic
                long epoch = Math.max(Math.max(group.epoch(), floorNow), fence) + 1;
                if (cp.epochs().compareAndSet(current, new EpochRecord(fence, epoch).text())) {
                    raiseFloor(epoch);
                    return epoch;
                }
            }
        } catch (HazelcastInstanceNotActiveException e) {
            return 0;
        } catch (RuntimeException e) {
            // no answer from the CP group, or the floor could not be written: never act on an epoch not written down
            LOG.log(Level.WARNING, "cannot take a leadership epoch; competing again", e);
            return 0;
        }
    }

    /**
     * While not leading: writes down the group's newest epoch in this controller's floor, and
     * raises the group's epoch to this controller's floor (a lone run, or an earlier group, may
     * have gone higher), so the next leader acts above both. A lost race is retried next time.
     */
    private void exchangeFloor() {
        String current = cp.epochs().get();
        EpochRecord group = EpochRecord.parse(current);
        long floorNow = knownFloor();
        if (group.epoch() > floorNow) {
            raiseFloor(group.epoch());
        } else if (floorNow > group.epoch()) {
            cp.epochs().compareAndSet(current, new EpochRecord(group.fence(), floorNow).text());
        }
    }

    private long knownFloor() {
        if (known < 0) {
            known = floor.highest();
        }
        return known;
    }

    private void raiseFloor(long epoch) {
        if (epoch > knownFloor()) {
            floor.raise(epoch);
            known = epoch;
        }
    }

    /** Writes {@code epoch;memberUuid;host:port} unless a larger epoch is already there. */
    private void publishRecord(long epoch) {
        String mine = epoch + ";" + cluster.memberId() + ";" + address(cluster.localMember());
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                String current = cp.record().get();
                if (LeaderRecord.parse(current).epoch() >= epoch || cp.record().compareAndSet(current, mine)) {
                    synchronized (this) {
                        recordPublished = isTerm(epoch);
                    }
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot publish the leader record yet", e);
        }
    }

    private boolean await(Duration duration) {
        try {
            return stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private boolean stopRequested() {
        return stopping.getCount() == 0;
    }

    // ------------------------------------------------------------------ state changes

    private synchronized boolean isTerm(long term) {
        return epoch == term && term > 0;
    }

    private synchronized boolean recordPublished() {
        return recordPublished;
    }

    private synchronized void confirmed(long term) {
        if (epoch == term) {
            confirmedAt = System.nanoTime();
        }
    }

    private void begin(long term) {
        List<Promise<Long>> waiters;
        synchronized (this) {
            epoch = term;
            confirmedAt = System.nanoTime();
            waiters = List.copyOf(electedWaiters);
            electedWaiters.clear();
        }
        LOG.info(() -> "controller " + cluster.options().hazelcastAddress() + " is leader, epoch " + term);
        LeadershipChange change = LeadershipChange.elected(term);
        context.runOnContext(v -> {
            handlers.forEach(h -> h.handle(change));
            waiters.forEach(w -> w.tryComplete(term));
        });
    }

    /** Ends the term of epoch {@code term} if it is still the current one. */
    private void end(long term, String reason) {
        List<Promise<LeadershipChange>> waiters;
        synchronized (this) {
            if (term <= 0 || epoch != term) {
                return;
            }
            epoch = 0;
            recordPublished = false;
            waiters = List.copyOf(deposedWaiters);
            deposedWaiters.clear();
        }
        LOG.info(() -> "controller " + cluster.options().hazelcastAddress() + " is no longer leader (epoch " + term + "): " + reason);
        LeadershipChange change = LeadershipChange.lost(term, reason);
        context.runOnContext(v -> {
            handlers.forEach(h -> h.handle(change));
            waiters.forEach(w -> w.tryComplete(change));
        });
    }

    /** Watchdog, on the event loop: a leader that has not confirmed the lock in time steps down. */
    private void checkConfirmed() {
        long term;
        long silentNanos;
        synchronized (this) {
            term = epoch;
            silentNanos = System.nanoTime() - confirmedAt;
        }
        if (term > 0 && silentNanos > STEP_DOWN_AFTER.toNanos()) {
            end(term, "could not confirm the leader lock for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms");
        }
    }

    private void lifecycle(LifecycleEvent event) {
        switch (event.getState()) {
            case SHUTTING_DOWN -> {
                end(epoch(), "this member is shutting down");
                stopping.countDown();
            }
            case MERGING -> end(epoch(), "this member is merging after a split brain");
            default -> {
            }
        }
    }

    private void finish() {
        List<Promise<Long>> elected;
        List<Promise<LeadershipChange>> deposed;
        synchronized (this) {
            finished = true;
            elected = List.copyOf(electedWaiters);
            electedWaiters.clear();
            deposed = epoch == 0 ? List.copyOf(deposedWaiters) : List.of();
            if (epoch == 0) {
                deposedWaiters.clear();
            }
        }
        cluster.vertx().cancelTimer(watchdog);
        try {
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "removing the lifecycle listener", e);
        }
        context.runOnContext(v -> {
            elected.forEach(w -> w.tryFail("leadership stopped"));
            deposed.forEach(w -> w.tryFail("leadership stopped"));
            stopped.tryComplete();
        });
    }

    // ------------------------------------------------------------------ the view

    private ClusterView readView() {
        List<Member> members = List.copyOf(hazelcast.getCluster().getMembers());
        CpObjects objects = cp;   // none yet: the CP subsystem has not formed, so nobody leads
        LeaderRecord leader = LeaderRecord.parse(objects == null ? null : objects.record().get());
        boolean held = objects != null && objects.lock().isLocked();
        boolean present = held && members.stream().anyMatch(m -> m.getUuid().toString().equals(leader.memberId()));
        String local = cluster.memberId();
        List<ControllerMember> rows = new ArrayList<>(members.size());
        for (Member member : members) {
            String id = member.getUuid().toString();
            boolean isLeader = present && id.equals(leader.memberId());
            rows.add(new ControllerMember(id, address(member), member.getAttribute(API_ATTRIBUTE), id.equals(local), isLeader, isLeader ? leader.epoch() : 0));
        }
        return new ClusterView(present ? leader.epoch() : 0, rows);
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    /** The group's newest term: {@code fence;epoch} (the lock's fence when it began, and its epoch). */
    record EpochRecord(long fence, long epoch) {
        static final EpochRecord NONE = new EpochRecord(0, 0);

        static EpochRecord parse(String text) {
            String[] parts = text == null ? new String[0] : text.split(";", 2);
            if (parts.length != 2) {
                return NONE;
            }
            try {
                return new EpochRecord(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            } catch (NumberFormatException e) {
                return NONE;
            }
        }

        String text() {
            return fence + ";" + epoch;
        }
    }

    /** The record the leader writes: {@code epoch;memberUuid;host:port}. */
    record LeaderRecord(long epoch, String memberId, String address) {
        static final LeaderRecord NONE = new LeaderRecord(0, "", "");

        static LeaderRecord parse(String text) {
            if (text == null) {
                return NONE;
            }
            String[] parts = text.split(";", 3);
            if (parts.length != 3) {
                return NONE;
            }
            try {
                return new LeaderRecord(Long.parseLong(parts[0]), parts[1], parts[2]);
            } catch (NumberFormatException e) {
                return NONE;
            }
        }
    }
}
