package io.apimfleet.controller.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {
    private static ClusterOptions options(String bind, int hz, int eb, List<String> peers) {
        return new ClusterOptions("apim-fleet-abc", bind, hz, eb, peers, new PemKeyCertOptions(), new PemTrustOptions());
    }

    @Test
    void theClusterBindAddressMustBeOneIpv4Address() {
        for (String bad : new String[] {"0.0.0.0", "controller1", "10.0.0.256", "::1", "", null}) {
            assertThrows(IllegalArgumentException.class, () -> options(bad, 5701, 5702, List.of("10.0.0.2:5701")), String.valueOf(bad));
        }
        assertEquals("10.0.0.1:5701", options("10.0.0.1", 5701, 5702, List.of("10.0.0.2:5701")).hazelcastAddress());
    }

    @Test
    void peersAreHostPortAndAtLeastOne() {
        assertThrows(IllegalArgumentException.class, () -> options("10.0.0.1", 5701, 5702, List.of()));
        assertThrows(IllegalArgumentException.class, () -> options("10.0.0.1", 5701, 5702, List.of("10.0.0.2")));
        assertThrows(IllegalArgumentException.class, () -> options("10.0.0.1", 5701, 5702, List.of("10.0.0.2:70000")));
        assertEquals(List.of("c2.internal:5701", "10.0.0.3:5701"),
                options("10.0.0.1", 5701, 5702, List.of(" c2.internal:5701", "10.0.0.3:5701")).peers());
    }

    @Test
    void theTwoPortsDiffer() {
        assertThrows(IllegalArgumentException.class, () -> options("10.0.0.1", 5701, 5701, List.of("10.0.0.2:5701")));
    }

    @Test
    void theHazelcastConfigurationJoinsOnlyTheGivenPeersOnTheBindAddress() {
        Config config = HazelcastSettings.config(options("10.0.0.1", 5701, 5702, List.of("10.0.0.2:5701", "10.0.0.3:5701")));
        assertEquals("apim-fleet-abc", config.getClusterName());
        assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
        assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
        assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
        assertFalse(config.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
        assertTrue(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
        assertEquals(List.of("10.0.0.2:5701", "10.0.0.3:5701"), config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
        assertEquals(5701, config.getNetworkConfig().getPort());
        assertFalse(config.getNetworkConfig().isPortAutoIncrement());
        var provider = config.getNetworkConfig().getMemberAddressProviderConfig();
        assertTrue(provider.isEnabled());
        assertEquals("10.0.0.1", ((FixedAddress) provider.getImplementation()).getBindAddress().getHostString());
        assertEquals(3, config.getCPSubsystemConfig().getCPMemberCount());
        assertEquals(HazelcastSettings.CP_SESSION_TTL_S, config.getCPSubsystemConfig().getSessionTimeToLiveSeconds());
    }

    @Test
    void theEventBusIsMutualTlsOnTheBindAddress() {
        EventBusOptions eventBus = ControllerCluster.eventBusOptions(options("10.0.0.1", 5701, 5702, List.of("10.0.0.2:5701")));
        assertTrue(eventBus.isSsl());
        assertEquals(ClientAuth.REQUIRED, eventBus.getClientAuth());
        assertFalse(eventBus.isTrustAll());
        assertEquals("10.0.0.1", eventBus.getHost());
        assertEquals("10.0.0.1", eventBus.getClusterPublicHost());
        assertEquals(5702, eventBus.getPort());
    }
}
