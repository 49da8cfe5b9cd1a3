package io.apimfleet.standin.config;

import org.w3c.dom.Element;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * axis2.xml {@code clustering} as Carbon reads it, when it is on: this member's host and port and
 * the well-known members. A doubled node's carbon.xml HostName names its load-balancer endpoint, so
 * {@code localMemberHost} is then the one place that says who the node itself is.
 */
record Clustering(String localMemberHost, int localMemberPort, List<String> wellKnownMembers) {

    Clustering {
        wellKnownMembers = List.copyOf(wellKnownMembers);
    }

    /** The clustering of {@code home}'s axis2.xml; empty when the file is absent or clustering is off. */
    static Optional<Clustering> read(Path home) {
        Optional<ConfXml> axis2 = ConfXml.readIfPresent(home.resolve(NodeConfig.AXIS2));
        Optional<Element> clustering = axis2.flatMap(a -> ConfXml.element(a.root(), "clustering"));
        if (clustering.isEmpty() || !Boolean.parseBoolean(clustering.get().getAttribute("enable").trim())) {
            return Optional.empty();
        }
        Element c = clustering.get();
        String source = NodeConfig.AXIS2 + " clustering/parameter[@name='%s']";
        String host = parameter(c, "localMemberHost").orElseThrow(() -> new ConfigException(source.formatted("localMemberHost") + " is missing"));
        int port = parameter(c, "localMemberPort").map(p -> NodeConfig.parseInt(p, source.formatted("localMemberPort"))).orElse(4000);
        List<String> members = new ArrayList<>();
        ConfXml.element(c, "members").ifPresent(list -> ConfXml.children(list, "member").forEach(member ->
                members.add(text(member, "hostName") + ":" + text(member, "port"))));
        Clustering read = new Clustering(host, port, members);
        if ("wka".equals(parameter(c, "membershipScheme").orElse("multicast"))) {
            read.checkListsItself();
        }
        return Optional.of(read);
    }

    /** Well-known-address twins find each other only through the members every one of them lists. */
    private void checkListsItself() {
        String self = localMemberHost + ":" + localMemberPort;
        if (!wellKnownMembers.contains(self)) {
            throw new ConfigException(NodeConfig.AXIS2 + " clustering: the well-known members " + wellKnownMembers
                    + " do not include this member, " + self + " (localMemberHost:localMemberPort)");
        }
    }

    private static Optional<String> parameter(Element clustering, String name) {
        return ConfXml.children(clustering, "parameter").stream()
                .filter(p -> name.equals(p.getAttribute("name")))
                .map(p -> p.getTextContent().trim())
                .findFirst();
    }

    private static String text(Element parent, String name) {
        return ConfXml.element(parent, name).map(e -> e.getTextContent().trim()).orElse("");
    }
}
