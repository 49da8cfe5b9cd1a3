package io.apimfleet.controller.api;

import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.ControllerMember;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * This controller's place among the controllers: whether it may do leader-only work now (start,
 * resume or undo rollouts, send commands to agents) and who the controllers are. The lone
 * controller always leads; a clustered one only while it holds the leader lock.
 */
public interface ControllerRole {
    /**
     * Empty when this controller may act; else why not, naming the leader's API address
     * ({@code this controller follows; the leader is https://…}). Completes on the caller's context.
     */
    Future<Optional<String>> refusal();

    /** The controllers, which one leads and its epoch ({@code GET /v1/controllers}). Completes on the caller's context. */
    Future<ClusterView> controllers();

    /** The lone controller: it leads, alone, under the epoch it took from its state at start. */
    static ControllerRole alone(LongSupplier epoch, String api) {
        return new ControllerRole() {
            @Override
            public Future<Optional<String>> refusal() {
                return Future.succeededFuture(Optional.empty());
            }

            @Override
            public Future<ClusterView> controllers() {
                long now = epoch.getAsLong();
                return Future.succeededFuture(new ClusterView(now, List.of(new ControllerMember("", null, api, true, true, now))));
            }
        };
    }
}
