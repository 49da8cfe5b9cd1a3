package io.apimfleet.standin;

import io.apimfleet.standin.config.ConfigException;
import io.apimfleet.standin.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A doubled node's carbon.xml HostName names its load-balancer endpoint, so the stand-in takes the
 * node's own name from axis2.xml's clustering, as the fleet writes it for twins: it binds there,
 * never on the endpoint, and refuses well-known members that leave it out.
 */
class DoubledNodeConfigTest {
    private static final String AXIS2 = "repository/conf/axis2/axis2.xml";

    @TempDir
    Path dir;

    /** A home behind endpoint 127.0.0.70 whose clustering is on, as member {@code self} of {@code members}. */
    private Path doubledHome(String self, String... members) throws IOException {
        Path home = TestHomes.make(dir.resolve("home"), "127.0.0.70", Duration.ZERO);
        TestHomes.edit(home, AXIS2, "HazelcastClusteringAgent\"\n                enable=\"false\">",
                "HazelcastClusteringAgent\"\n                enable=\"true\">");
        TestHomes.edit(home, AXIS2, "<parameter name=\"membershipScheme\">multicast</parameter>",
                "<parameter name=\"membershipScheme\">wka</parameter>");
        TestHomes.edit(home, AXIS2, "<parameter name=\"localMemberHost\">127.0.0.1</parameter>",
                "<parameter name=\"localMemberHost\">" + self + "</parameter>");
        StringBuilder list = new StringBuilder("<members>");
        for (String member : members) {
            list.append("<member><hostName>").append(member).append("</hostName><port>4000</port></member>");
        }
        TestHomes.edit(home, AXIS2, """
                <members>
                            <member>
                                <hostName>127.0.0.1</hostName>
                                <port>4000</port>
                            </member>
                        </members>""", list.append("</members>").toString());
        return home;
    }

    @Test
    void aClusteredNodeBindsItsOwnMemberAddressNotTheEndpointItsHostNameNames() throws IOException {
        Path home = doubledHome("127.0.0.71", "127.0.0.71", "127.0.0.72");

        NodeConfig config = NodeConfig.read(home, "api-key-manager", null, Map.of());

        assertThat(config.host()).isEqualTo("127.0.0.71");
        assertThat(config.bindAddress().getHostAddress()).isEqualTo("127.0.0.71");
    }

    @Test
    void wellKnownMembersThatLeaveThisNodeOutAreRefusedNamingIt() throws IOException {
        Path home = doubledHome("127.0.0.71", "127.0.0.72");

        assertThatThrownBy(() -> NodeConfig.read(home, "api-key-manager", null, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clustering").hasMessageContaining("127.0.0.71:4000");
    }
}
