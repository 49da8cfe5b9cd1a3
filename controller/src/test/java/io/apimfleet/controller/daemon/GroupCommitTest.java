package io.apimfleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests queued for the state thread are handled in batches, each answered with its own result. */
class GroupCommitTest {
    final Vertx vertx = Vertx.vertx();
    final StateWorker worker = new StateWorker(vertx, "group-commit-test");
    final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        worker.close().await();
        vertx.close().await();
    }

    private GroupCommit<Integer, String> doubling(int maxBatch) {
        return new GroupCommit<>(worker, maxBatch, batch -> {
            batches.add(batch);
            return batch.stream().map(n -> "x" + (2 * n)).toList();
        });
    }

    /** Submits 0..count-1 while the state thread is held, then lets it go. */
    private List<Future<String>> submittedWhileBusy(GroupCommit<Integer, String> commit, int count) {
        CountDownLatch release = new CountDownLatch(1);
        worker.call(() -> release.await(10, TimeUnit.SECONDS));
        List<Future<String>> results = IntStream.range(0, count).mapToObj(commit::submit).toList();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> results.stream().allMatch(Future::isComplete));
        return results;
    }

    @Test
    void requestsQueuedWhileTheStateThreadIsBusyAreHandledInOneBatchEachWithItsOwnResult() {
        List<Future<String>> results = submittedWhileBusy(doubling(64), 3);

        assertThat(batches).containsExactly(List.of(0, 1, 2));
        assertThat(results).extracting(Future::result).containsExactly("x0", "x2", "x4");
    }

    @Test
    void aBatchIsNoLargerThanItsBound() {
        List<Future<String>> results = submittedWhileBusy(doubling(2), 5);

        assertThat(batches).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4));
        assertThat(results).extracting(Future::result).containsExactly("x0", "x2", "x4", "x6", "x8");
    }

    @Test
    void aFailingBatchFailsEachOfItsRequests() {
        GroupCommit<Integer, String> failing = new GroupCommit<>(worker, 64, batch -> {
            throw new IllegalStateException("disk full");
        });

        List<Future<String>> results = submittedWhileBusy(failing, 2);

        assertThat(results).allSatisfy(f -> assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessage("disk full"));
    }
}
