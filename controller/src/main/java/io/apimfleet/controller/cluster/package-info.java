/**
 * Controller high availability (issue 9), the first building blocks of
 * {@code fleet controller run --cluster}: {@link io.apimfleet.controller.cluster.ControllerCluster}
 * starts this controller's clustered Vert.x on the Hazelcast cluster manager (configuration built
 * in code: TCP-IP join with the given peers, no multicast, no auto-detection, no phone-home, bound
 * to the cluster-bind address alone, short join and failure-detection timeouts, a CP subsystem of
 * three members), with the event bus between controllers on mutual TLS from the separate
 * controller-peer CA; {@link io.apimfleet.controller.cluster.Leadership} elects one leader over
 * the CP {@code FencedLock} {@value io.apimfleet.controller.cluster.Leadership#LOCK_NAME}, each
 * term claiming a leadership epoch above every earlier term's in the group and above the
 * controller's {@link io.apimfleet.controller.cluster.EpochFloor} (the highest epoch it has acted
 * under or seen, kept in its state directory, so epochs keep growing across a full restart of the
 * cluster and a switch between lone and clustered), and lists the members with the leader.
 *
 * <p>This package owns the Hazelcast configuration, the leader election and this controller's
 * identity on the event bus between controllers ({@link io.apimfleet.controller.cluster.PeerIdentity},
 * issued at each start from the state's controller-peer CA, which the {@code pki} package keeps).
 * {@code fleet controller run --cluster} (the {@code daemon} package) starts it. Each member
 * publishes its agent bridge endpoint as a member attribute, so that every controller names all
 * of them to its agents (at join, in renewal answers and in the link advice) and agents can fail
 * over. Requests, heartbeats and events of agents are routed between controllers over the same
 * clustered event bus by the {@code bridge} package's {@code AgentRelay}.
 * {@link io.apimfleet.controller.cluster.SharedRollouts} holds the rollouts the leader shares
 * (spec revisions and records, never secrets) for the followers to write down and a new leader to
 * take over. {@link io.apimfleet.controller.cluster.SharedState} holds the rest of the state every
 * controller keeps (agents, join tokens' hashes, revocations, secrets sealed with the master key;
 * entries changed only by an order-free join, so a full restart of the cluster, every member
 * offering its state directory, loses nothing) and the claims that spend a join token once in
 * the cluster; {@link io.apimfleet.controller.cluster.SharedJournal} the journal entries of every
 * controller, in one order. The {@code daemon} package's {@code StateSharing} offers this
 * controller's changes and writes the others' to its state directory.
 *
 * <p>Open-source Hazelcast has no TLS and no member authentication: the Hazelcast port must be on
 * a private controller network. Only the Vert.x event bus between controllers is authenticated.
 */
package io.apimfleet.controller.cluster;
