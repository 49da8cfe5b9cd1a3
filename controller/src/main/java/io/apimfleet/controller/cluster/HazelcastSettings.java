package io.apimfleet.controller.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.config.cp.CPSubsystemConfig;
import com.hazelcast.config.cp.FencedLockConfig;
import com.hazelcast.config.cp.RaftAlgorithmConfig;
import java.time.Duration;

/**
 * The Hazelcast configuration of a controller member, built in code (no {@code hazelcast.xml},
 * {@code cluster.xml} or {@code vertx.hazelcast.config} lookup). The figures, chosen so that a
 * controller is up in seconds and a dead leader loses its lock in about ten:
 *
 * <ul>
 *   <li><b>join</b>: {@value #WAIT_BEFORE_JOIN_S} s before the first join attempt (default 5),
 *       at most {@value #MAX_WAIT_BEFORE_JOIN_S} s (default 20), TCP connect timeout
 *       {@value #TCP_CONNECT_TIMEOUT_S} s (default 5);
 *   <li><b>failure detection</b>: member heartbeats every {@value #HEARTBEAT_S} s (default 5), a
 *       member silent for {@value #MAX_NO_HEARTBEAT_S} s is removed (default 60);
 *   <li><b>split-brain merge</b>: first check after {@value #MERGE_FIRST_S} s, then every
 *       {@value #MERGE_NEXT_S} s (defaults 300 and 120);
 *   <li><b>CP subsystem</b>: {@value #CP_MEMBERS} CP members in one group of
 *       {@value #CP_MEMBERS} (a majority of two survives one loss); a CP session (which owns the
 *       leader lock) heartbeats every {@value #CP_SESSION_HEARTBEAT_S} s and is closed
 *       {@value #CP_SESSION_TTL_S} s after its last heartbeat (defaults 5 and 300), releasing
 *       the lock of a dead or stopped member; Raft leaders heartbeat every
 *       {@value #RAFT_HEARTBEAT_MS} ms and are replaced after {@value #RAFT_MISSED_HEARTBEATS}
 *       missed heartbeats (defaults 5000 ms and 5), election timeout
 *       {@value #RAFT_ELECTION_TIMEOUT_MS} ms; a CP member missing for
 *       {@value #CP_MISSING_MEMBER_REMOVAL_S} s is removed from the CP subsystem (default 4 h);
 *   <li><b>shared rollouts</b> ({@link SharedRollouts}): backup count {@value SharedRollouts#BACKUPS},
 *       synchronous, so each of three members holds every record;
 *   <li><b>shared state</b> ({@link SharedState}: agents, join tokens' hashes, revocations, sealed
 *       secrets) likewise; the token claims also need {@value SharedState#CLAIM_QUORUM} members
 *       (split-brain protection) and expire after a day and an hour; the shared journal
 *       ({@link SharedJournal}) is a ring buffer of the last {@value SharedJournal#CAPACITY}
 *       entries, backup count {@value SharedJournal#BACKUPS};
 *   <li><b>leaving</b>: a clean shutdown (hand-over of partitions, leaving the CP groups) waits
 *       at most {@value #GRACEFUL_SHUTDOWN_S} s (default 600): after a crash of another member
 *       the CP groups may be unable to remove this one, and a controller must still stop.
 * </ul>
 *
 * So a leader that dies or is frozen (SIGSTOP) loses the lock once its session times out: about
 * {@value #CP_SESSION_TTL_S} s after its last session heartbeat, plus up to
 * {@value #RAFT_MISSED_HEARTBEATS} x {@value #RAFT_HEARTBEAT_MS} ms when it was also the CP
 * group's Raft leader; a leader that shuts down cleanly releases it at once.
 */
final class HazelcastSettings {
    static final int WAIT_BEFORE_JOIN_S = 1;
    static final int MAX_WAIT_BEFORE_JOIN_S = 3;
    static final int TCP_CONNECT_TIMEOUT_S = 2;
    static final int HEARTBEAT_S = 1;
    static final int MAX_NO_HEARTBEAT_S = 6;
    static final int MERGE_FIRST_S = 10;
    static final int MERGE_NEXT_S = 10;
    static final int CP_MEMBERS = 3;
    static final int CP_SESSION_TTL_S = 6;
    static final int CP_SESSION_HEARTBEAT_S = 1;
    static final int CP_MISSING_MEMBER_REMOVAL_S = 120;
    static final long RAFT_HEARTBEAT_MS = 1000;
    static final int RAFT_MISSED_HEARTBEATS = 3;
    static final long RAFT_ELECTION_TIMEOUT_MS = 1000;
    static final int GRACEFUL_SHUTDOWN_S = 15;

    /** How long a spent join token's claim is kept: past the longest a token lives, after which it is refused as expired anyway. */
    static final Duration CLAIM_TTL = Duration.ofHours(25);

    /** The longest a dead leader can keep the lock, as documented above. */
    static final Duration LOCK_LOSS_BOUND = Duration.ofSeconds(CP_SESSION_TTL_S)
            .plusMillis(RAFT_MISSED_HEARTBEATS * RAFT_HEARTBEAT_MS + RAFT_ELECTION_TIMEOUT_MS);

    private HazelcastSettings() {
    }

    static Config config(ClusterOptions options) {
        Config config = new Config();
        config.setClusterName(options.clusterName());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.socket.server.bind.any", "false");
        config.setProperty("hazelcast.socket.client.bind.any", "false");
        config.setProperty("hazelcast.socket.client.bind", "true");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", Integer.toString(WAIT_BEFORE_JOIN_S));
        config.setProperty("hazelcast.max.wait.seconds.before.join", Integer.toString(MAX_WAIT_BEFORE_JOIN_S));
        config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_S));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(MAX_NO_HEARTBEAT_S));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_FIRST_S));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_NEXT_S));
        config.setProperty("hazelcast.graceful.shutdown.max.wait", Integer.toString(GRACEFUL_SHUTDOWN_S));
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getJetConfig().setEnabled(false);

        if (options.api() != null) {
            // every member sees every other's API address (fleet controllers, the follower's 409)
            config.getMemberAttributeConfig().setAttribute(Leadership.API_ATTRIBUTE, options.api());
        }
        if (options.bridge() != null) {
            // every member names every other's bridge to its agents, so that they can fail over to it
            config.getMemberAttributeConfig().setAttribute(ControllerCluster.BRIDGE_ATTRIBUTE, options.bridge());
        }

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(options.hazelcastPort()).setPortAutoIncrement(false).setPortCount(1);
        // bind and public address = the cluster-bind address (no interface scan, no guess)
        network.getMemberAddressProviderConfig().setEnabled(true)
                .setImplementation(new FixedAddress(options.bind(), options.hazelcastPort()));
        network.getInterfaces().setEnabled(false);
        network.getRestApiConfig().setEnabled(false);
        network.getMemcacheProtocolConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true)
                .setConnectionTimeoutSeconds(TCP_CONNECT_TIMEOUT_S)
                .setMembers(options.peers());

        // What Vert.x's own default-cluster.xml sets for its structures.
        config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        config.getMapConfig("__vertx.haInfo").setBackupCount(1);
        config.getMapConfig("__vertx.nodeInfo").setBackupCount(1);
        // the rollouts a new leader takes over: on every member of three, each write backed up before it returns
        for (String shared : new String[] {SharedRollouts.RECORDS, SharedRollouts.SPECS, SharedRollouts.POSITIONS}) {
            config.getMapConfig(shared).setBackupCount(SharedRollouts.BACKUPS).setAsyncBackupCount(0);
        }
        // agents, tokens' hashes, revocations, sealed secrets: likewise on every member
        config.getMapConfig(SharedState.PREFIX + "*").setBackupCount(SharedState.BACKUPS).setAsyncBackupCount(0);
        // a join token is spent once: only with a majority of the three, kept a day past the longest token life
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(SharedState.CLAIM_QUORUM_NAME, true, SharedState.CLAIM_QUORUM));
        // added, not got: getMapConfig would hand back the wildcard's configuration and change every shared map
        config.addMapConfig(new MapConfig(SharedState.CLAIMS).setBackupCount(SharedState.BACKUPS).setAsyncBackupCount(0)
                .setSplitBrainProtectionName(SharedState.CLAIM_QUORUM_NAME)
                .setTimeToLiveSeconds((int) CLAIM_TTL.toSeconds()));
        config.getRingbufferConfig(SharedJournal.RING).setCapacity(SharedJournal.CAPACITY)
                .setBackupCount(SharedJournal.BACKUPS).setAsyncBackupCount(0);

        CPSubsystemConfig cp = config.getCPSubsystemConfig();
        cp.setCPMemberCount(CP_MEMBERS).setGroupSize(CP_MEMBERS)
                .setSessionTimeToLiveSeconds(CP_SESSION_TTL_S)
                .setSessionHeartbeatIntervalSeconds(CP_SESSION_HEARTBEAT_S)
                .setMissingCPMemberAutoRemovalSeconds(CP_MISSING_MEMBER_REMOVAL_S);
        cp.setRaftAlgorithmConfig(new RaftAlgorithmConfig()
                .setLeaderHeartbeatPeriodInMillis(RAFT_HEARTBEAT_MS)
                .setMaxMissedLeaderHeartbeatCount(RAFT_MISSED_HEARTBEATS)
                .setLeaderElectionTimeoutInMillis(RAFT_ELECTION_TIMEOUT_MS));
        // Not reentrant: the leadership thread takes the lock once per term.
        cp.addLockConfig(new FencedLockConfig(Leadership.LOCK_NAME, 1));
        return config;
    }
}
