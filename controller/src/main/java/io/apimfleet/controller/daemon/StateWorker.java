package io.apimfleet.controller.daemon;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * Where the controller's blocking work runs: the state directory (file locks, fsync'd appends,
 * atomic rewrites) and CA signing. One thread, so state changes happen in the order they were
 * asked for; event loops only ever compose the futures it returns.
 */
public final class StateWorker {
    private final WorkerExecutor executor;

    public StateWorker(Vertx vertx, String name) {
        this.executor = vertx.createSharedWorkerExecutor(name, 1);
    }

    /** Runs {@code work} on the state thread; the future completes on the caller's context. */
    public <T> Future<T> call(Callable<T> work) {
        return executor.executeBlocking(work);
    }

    public Future<Void> close() {
        return executor.close();
    }
}
