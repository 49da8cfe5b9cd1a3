package io.apimfleet.protocol.link;

/**
 * What an agent reports about its host with every heartbeat.
 *
 * @param productState  {@code running}, {@code stopped}, {@code exited} or {@code unknown}
 * @param bundleRevision the revision of the last bundle applied to the home, 0 for none
 */
public record Facts(String hostname, String os, String java, String home, boolean homeExists, String productVersion,
                    long freeDiskBytes, String productState, long bundleRevision, String agentVersion) {
    public Facts withProductState(String state) {
        return new Facts(hostname, os, java, home, homeExists, productVersion, freeDiskBytes, state, bundleRevision, agentVersion);
    }

    public Facts withBundleRevision(long revision) {
        return new Facts(hostname, os, java, home, homeExists, productVersion, freeDiskBytes, productState, revision, agentVersion);
    }
}
