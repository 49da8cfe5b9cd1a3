package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTest {

    private static Node node(String host, String address) {
        return new Node("n1", Role.GATEWAY, host, 0, address, List.of(), null);
    }

    @Test
    void bindsItsAddressWhenOneIsGiven() {
        assertThat(node("gw1.example", "10.0.4.21").bindAddress()).isEqualTo("10.0.4.21");
    }

    @Test
    void bindsItsHostWhenTheHostIsAnIpv4Literal() {
        assertThat(node("127.0.0.5", null).bindAddress()).isEqualTo("127.0.0.5");
    }

    @Test
    void bindsItsHostWhenTheHostIsAnIpv6Literal() {
        assertThat(node("fd00::4:21", null).bindAddress()).isEqualTo("fd00::4:21");
    }

    @Test
    void bindsEveryInterfaceWhenItsHostIsAName() {
        Node named = node("gw1.example", null);
        assertThat(named.bindAddress()).isEqualTo(Node.ANY_ADDRESS);
        assertThat(named.bindsEveryInterface()).isTrue();
    }

    @Test
    void usesItsOwnHomeOverTheProducts() {
        Node own = new Node("km1", Role.KEY_MANAGER, "km1.example", 0, null, List.of(), "/srv/apim");
        assertThat(own.home(Product.defaults())).isEqualTo("/srv/apim");
        assertThat(node("km1.example", null).home(Product.defaults())).isEqualTo("/opt/wso2am-2.2.0");
    }

    @Test
    void cannotBeChangedThroughItsAltNames() {
        List<String> names = new ArrayList<>(List.of("a.example"));
        Node node = new Node("n1", Role.GATEWAY, "h.example", 0, null, names, null);
        names.add("b.example");
        assertThat(node.altNames()).containsExactly("a.example");
    }
}
