package io.apimfleet.standin.server;

import io.apimfleet.standin.config.Peer;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Carbon's start-up, modelled: healthy once the start delay has passed and every start-time peer
 * has been verified once; then the later peers are dialled and only logged. Retries forever (the
 * orchestrator owns the deadline), logging each distinct result of a peer once.
 */
final class Health {
    static final Duration RETRY = Duration.ofMillis(250);
    static final Duration LATER_RETRY = Duration.ofSeconds(1);

    private final List<Peer> startPeers;
    private final List<Peer> laterPeers;
    private final Duration startDelay;
    private final Dialler dialler;
    private final StandinLog log;
    private final LongSupplier clockMillis;
    private final long startedAt;
    private final Set<Peer> verified = new LinkedHashSet<>();
    private final Map<Peer, String> lastReported = new HashMap<>();
    private volatile boolean healthy;

    Health(List<Peer> startPeers, List<Peer> laterPeers, Duration startDelay, Dialler dialler, StandinLog log,
           LongSupplier clockMillis) {
        this.startPeers = startPeers;
        this.laterPeers = laterPeers;
        this.startDelay = startDelay;
        this.dialler = dialler;
        this.log = log;
        this.clockMillis = clockMillis;
        this.startedAt = clockMillis.getAsLong();
    }

    boolean healthy() {
        return healthy;
    }

    /** Runs the start-time round every {@link #RETRY} until healthy, then the later peers. */
    void start(ScheduledExecutorService scheduler) {
        scheduler.execute(() -> startRound(scheduler));
    }

    private void startRound(ScheduledExecutorService scheduler) {
        for (Peer peer : startPeers) {
            if (!verified.contains(peer)) {
                check(peer);
            }
        }
        long elapsed = clockMillis.getAsLong() - startedAt;
        if (verified.containsAll(startPeers) && elapsed >= startDelay.toMillis()) {
            healthy = true;
            log.info("healthy after " + elapsed + " ms");
            if (!laterPeers.isEmpty()) {
                scheduler.execute(() -> laterRound(scheduler));
            }
            return;
        }
        long wait = verified.containsAll(startPeers) ? Math.min(RETRY.toMillis(), startDelay.toMillis() - elapsed) : RETRY.toMillis();
        scheduler.schedule(() -> startRound(scheduler), Math.max(wait, 1), TimeUnit.MILLISECONDS);
    }

    private void laterRound(ScheduledExecutorService scheduler) {
        for (Peer peer : laterPeers) {
            if (!verified.contains(peer)) {
                check(peer);
            }
        }
        if (!verified.containsAll(laterPeers)) {
            scheduler.schedule(() -> laterRound(scheduler), LATER_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void check(Peer peer) {
        DialResult result = dialler.dial(peer);
        String prefix = "dependency " + peer.role() + " " + peer.url();
        if (result.verified()) {
            verified.add(peer);
            log.info(prefix + " " + (peer.kind() == Peer.Kind.TCP ? "reachable" : "verified " + result.detail()));
        } else if (!result.detail().equals(lastReported.get(peer))) {
            lastReported.put(peer, result.detail());
            if (result.loud()) {
                log.error(prefix + " FAILED: " + result.detail());
            } else {
                log.info(prefix + " FAILED: " + result.detail());
            }
        }
    }
}
