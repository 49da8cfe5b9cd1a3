package io.apimfleet.controller.recipe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.apimfleet.controller.recipe.ApiManagerXml.*;
import static io.apimfleet.controller.recipe.ApimFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A URL to a peer carries the peer's port offset (API-M's own placeholders would resolve with the
 * reader's): every node of one-host-offsets.yaml shares a host, offsets 1 to 7.
 */
class PortRuleTest {
    private static final String HOST = "apim.offsets.test";

    @TempDir
    Path dir;

    private Rendered render(String node) {
        return Rendered.render(ApimHomes.spec("one-host-offsets.yaml"), node, dir);
    }

    @Test
    void aGatewayDialsTheKeyManagerAtItsOffset() {
        Rendered gw = render("gw-a");
        assertThat(gw.text(CARBON, "/Server/Ports/Offset")).isEqualTo("6");
        assertThat(gw.text(API_MANAGER, KEY_VALIDATOR_URL)).isEqualTo("https://" + HOST + ":9444/services/");
        assertThat(gw.text(API_MANAGER, THRIFT_CLIENT_PORT)).isEqualTo("10398");
    }

    @Test
    void throttlingEventsGoToEveryTrafficManagerAtItsOwnOffset() {
        Rendered gw = render("gw-b");
        assertThat(gw.text(API_MANAGER, RECEIVER_URL_GROUP)).isEqualTo("{tcp://" + HOST + ":9615},{tcp://" + HOST + ":9616}");
        assertThat(gw.text(API_MANAGER, AUTH_URL_GROUP)).isEqualTo("{ssl://" + HOST + ":9715},{ssl://" + HOST + ":9716}");
        assertThat(gw.text(API_MANAGER, JMS_TOPIC_FACTORY)).contains("failover='roundrobin'")
                .contains("tcp://" + HOST + ":5676?retries='5'%26connectdelay='50';tcp://" + HOST + ":5677?retries='5'%26connectdelay='50'");
    }

    @Test
    void thePublisherWritesOneEnvironmentPerGatewayWithThatGatewaysPorts() {
        Rendered pub = render("pub");
        String env = ENVIRONMENTS + "/Environment";
        assertThat(pub.active(API_MANAGER, env)).hasSize(2);
        assertThat(pub.text(API_MANAGER, env + "[Name='gw-a']/ServerURL")).isEqualTo("https://" + HOST + ":9449/services/");
        assertThat(pub.text(API_MANAGER, env + "[Name='gw-a']/GatewayEndpoint")).isEqualTo("http://" + HOST + ":8286,https://" + HOST + ":8249");
        assertThat(pub.text(API_MANAGER, env + "[Name='gw-b']/ServerURL")).isEqualTo("https://" + HOST + ":9450/services/");
        assertThat(pub.text(API_MANAGER, env + "[Name='gw-b']/GatewayEndpoint")).isEqualTo("http://" + HOST + ":8287,https://" + HOST + ":8250");
        assertThat(pub.text(API_MANAGER, POLICY_DEPLOYER_URL)).isEqualTo("https://" + HOST + ":9447/services/");
        assertThat(pub.text(API_MANAGER, STORE_URL)).isEqualTo("https://" + HOST + ":9446/store");
    }

    @Test
    void noPeerUrlIsLeftToAPortPlaceholder() {
        for (String node : new String[] {"km", "pub", "store", "gw-a"}) {
            Rendered r = render(node);
            for (String xpath : new String[] {KEY_VALIDATOR_URL, RECEIVER_URL_GROUP, AUTH_URL_GROUP, REVOKE_URL, ENVIRONMENTS + "/Environment[1]/ServerURL"}) {
                String value = r.text(API_MANAGER, xpath);
                if (xpath.equals(KEY_VALIDATOR_URL) && node.equals("km")) {
                    continue;   // the key manager validates keys itself
                }
                if (!value.contains(HOST)) {
                    continue;   // not a peer URL on this node (left as shipped)
                }
                assertThat(value).as("%s %s", node, xpath).doesNotContain("${");
            }
        }
    }
}
