package io.apimfleet.controller.spec;

import java.util.List;

/**
 * One host's share of the cluster: a node plays one role.
 *
 * @param name       a DNS label, unique in the cluster; also the agent's certificate name
 * @param host       the name peers and URLs use for this node (a DNS name or an IP address)
 * @param portOffset added by API-M to every port it opens (carbon.xml {@code Ports/Offset})
 * @param address    the IP address its listeners bind to; null to derive it from {@code host}
 * @param altNames   further DNS names for its TLS certificate
 * @param home       this node's {@code <API-M_HOME>}; null to use {@link Product#home()}
 */
public record Node(String name, Role role, String host, int portOffset, String address,
                   List<String> altNames, String home) {

    /** The bind address meaning every interface of the host. */
    public static final String ANY_ADDRESS = "0.0.0.0";

    public Node {
        altNames = altNames == null ? List.of() : List.copyOf(altNames);
    }

    /**
     * The address its listeners bind to: {@code address} when set, else {@code host} when that is
     * an IP literal, else {@link #ANY_ADDRESS}. Decided without any DNS lookup.
     */
    public String bindAddress() {
        if (address != null) {
            return address;
        }
        return host != null && Formats.isIpLiteral(host) ? host : ANY_ADDRESS;
    }

    public boolean bindsEveryInterface() {
        return ANY_ADDRESS.equals(bindAddress());
    }

    /** The effective {@code <API-M_HOME>} of this node. */
    public String home(Product product) {
        return home != null ? home : product.home();
    }
}
