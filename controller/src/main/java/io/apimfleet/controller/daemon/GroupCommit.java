package io.apimfleet.controller.daemon;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Group commit on the state thread: requests submitted while it is busy are handled together by
 * one call of the handler (one hold of the state's lock, one {@code fsync} per file for all of
 * them), and each is answered with its own result only once that call returned, i.e. once the
 * batch is durable. The handler must answer every request of its batch, in order; when it throws,
 * every request of the batch fails with that error.
 *
 * @param <Q> a request
 * @param <R> its result
 */
public final class GroupCommit<Q, R> {
    private record Pending<Q, R>(Q request, CompletableFuture<R> result) {
    }

    private final StateWorker worker;
    private final Function<List<Q>, List<R>> handler;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending<Q, R>> queue = new ConcurrentLinkedQueue<>();

    public GroupCommit(StateWorker worker, int maxBatch, Function<List<Q>, List<R>> handler) {
        this.worker = worker;
        this.maxBatch = maxBatch;
        this.handler = handler;
    }

    /** Queues {@code request}; the future completes on the caller's context once its batch is handled. */
    public Future<R> submit(Q request) {
        Pending<Q, R> pending = new Pending<>(request, new CompletableFuture<>());
        queue.add(pending);
        // one state-thread task per request, in order: the first to run takes every request queued by
        // then, so the later ones find their result ready (never waited for: it is the same thread)
        return worker.call(() -> {
            while (!pending.result().isDone()) {
                handleBatch();
            }
            try {
                return pending.result().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception failure ? failure : new IllegalStateException(e.getCause());
            }
        });
    }

    private void handleBatch() {
        List<Pending<Q, R>> batch = new ArrayList<>();
        for (Pending<Q, R> next; batch.size() < maxBatch && (next = queue.poll()) != null; ) {
            batch.add(next);
        }
        List<R> results;
        try {
            results = handler.apply(batch.stream().map(Pending::request).toList());
        } catch (RuntimeException | Error e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }
}
