package io.apimfleet.controller.cluster;

import java.util.List;
import java.util.Optional;

/**
 * The controllers as one member sees them: every member of the Hazelcast cluster, in join order,
 * and which one holds the leader lock.
 *
 * @param epoch the current leader's epoch, 0 when no member holds the lock
 */
public record ClusterView(long epoch, List<ControllerMember> members) {
    public ClusterView {
        members = List.copyOf(members);
    }

    public Optional<ControllerMember> leader() {
        return members.stream().filter(ControllerMember::leader).findFirst();
    }
}
