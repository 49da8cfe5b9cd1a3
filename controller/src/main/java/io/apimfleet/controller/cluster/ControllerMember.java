package io.apimfleet.controller.cluster;

/**
 * One controller of the cluster, as {@code fleet controllers} lists it.
 *
 * @param memberId the member's Hazelcast UUID (new at every start)
 * @param address  its Hazelcast address, {@code HOST:PORT} (its cluster-bind address)
 * @param api      its HTTPS API, {@code https://HOST:PORT}; null when it published none
 * @param local    whether it is the member that answered
 * @param leader   whether it holds the leader lock
 * @param epoch    the leadership epoch when it is leader, else 0
 * @param rolloutIndex the newest write of the shared rollouts it has in its state directory
 *                 ({@code SharedRollouts}); null when unknown
 * @param behind   how many of the leader's shared rollout writes it does not have yet; null when unknown
 */
public record ControllerMember(String memberId, String address, String api, boolean local, boolean leader, long epoch,
                               Long rolloutIndex, Long behind) {
    /** A member whose position in the shared rollouts is not known. */
    public ControllerMember(String memberId, String address, String api, boolean local, boolean leader, long epoch) {
        this(memberId, address, api, local, leader, epoch, null, null);
    }
}
