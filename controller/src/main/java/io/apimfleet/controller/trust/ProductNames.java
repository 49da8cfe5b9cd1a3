package io.apimfleet.controller.trust;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** The names product certificates carry: what a client may dial and still verify. */
final class ProductNames {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ProductNames() {
    }

    /** A node's TLS names: its host, alt names, bind address, its role's endpoint when doubled; a load balancer's, every endpoint. */
    static Set<String> tls(ClusterSpec spec, Node node) {
        Set<String> names = new LinkedHashSet<>();
        names.add(node.host());
        names.addAll(node.altNames());
        if (node.address() != null) {
            names.add(node.address());
        }
        if (spec.isDoubled(node.role())) {
            spec.endpoint(node.role()).map(Endpoint::host).ifPresent(names::add);
        }
        if (node.role() == Role.LOAD_BALANCER && spec.loadBalancer() != null) {
            spec.loadBalancer().endpoints().values().forEach(e -> names.add(e.host()));   // it presents every endpoint
        }
        return names;
    }

    /** The primary certificate's names: every API-M host and every load-balancer endpoint. */
    static Set<String> primary(ClusterSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        spec.nodes().stream().filter(n -> n.role().isApim()).forEach(n -> names.add(n.host()));
        if (spec.loadBalancer() != null) {
            spec.loadBalancer().endpoints().values().forEach(e -> names.add(e.host()));
        }
        return names;
    }

    static GeneralNames generalNames(Set<String> names) {
        return new GeneralNames(names.stream()
                .map(n -> isIp(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
                .toArray(GeneralName[]::new));
    }

    static boolean isIp(String name) {
        return IPV4.matcher(name).matches() || name.contains(":");
    }
}
