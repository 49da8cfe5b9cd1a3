package io.apimfleet.controller.cluster;

/**
 * This member became leader ({@code leader} true) or stopped being leader (false).
 *
 * @param epoch  the leadership epoch of the term that began or ended (claimed at election, above
 *               every earlier term's and this controller's floor)
 * @param reason why a term ended (lock lost, session closed, not confirmed in time, shutting
 *               down, stopped); {@code "elected"} when a term begins
 */
public record LeadershipChange(boolean leader, long epoch, String reason) {
    static LeadershipChange elected(long epoch) {
        return new LeadershipChange(true, epoch, "elected");
    }

    static LeadershipChange lost(long epoch, String reason) {
        return new LeadershipChange(false, epoch, reason);
    }
}
