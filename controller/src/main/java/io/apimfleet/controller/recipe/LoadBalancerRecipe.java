package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Endpoint;
import io.apimfleet.controller.spec.LoadBalancer;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.SecretRef;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.Probe;
import io.apimfleet.protocol.bundle.ProcessSpec;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The bundle of the {@code load-balancer} node: HAProxy (default) or nginx configured from the
 * spec, one frontend per doubled key-manager, publisher or store at the endpoint the spec names,
 * TLS with the load balancer's own certificate for the endpoint names, backends re-encrypted and
 * verified against the product CA with each node's own host name, health-checked, sticky where
 * the web apps keep sessions. Every file lives in the load balancer's home ({@link #home}); the
 * bundle's paths are relative to it, the rendered configuration names them absolutely.
 */
public final class LoadBalancerRecipe {
    /** The home of a load-balancer node whose spec entry names none. */
    public static final String DEFAULT_HOME = "/var/lib/apim-fleet-lb";
    /** The product CA, in the home: what backends' certificates are verified against. */
    public static final String CA_FILE = "product-ca.pem";
    /** The endpoint certificate chain followed by its host-made private key, in the home (mode 0600). */
    public static final String ENDPOINT_PEM = "endpoints.pem";
    /** HAProxy's admin socket, in the home: {@code set server BACKEND/NODE state drain|maint|ready}. */
    public static final String ADMIN_SOCKET = "haproxy.sock";
    /** The roles whose web apps keep HTTP sessions, so their load balancing is sticky. */
    static final Set<Role> STICKY = Set.of(Role.PUBLISHER, Role.STORE);
    /** A load balancer starts in a second or two; no need for API-M's minutes. */
    private static final Duration STARTUP_GRACE = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** One doubled role as the load balancer fronts it. */
    record Frontend(Role role, Endpoint endpoint, boolean sticky, List<Server> servers) {
        Frontend {
            servers = List.copyOf(servers);
        }

        /** The role's YAML name, also the name of its frontend, backend or upstream. */
        String name() {
            return role.yamlName();
        }
    }

    /** One backend node: named by its node name (so drains can address it), dialled at its servlet HTTPS port. */
    record Server(String name, String host, int port, boolean drained) {
        String authority() {
            return (isIpv6(host) ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** What both renderers need: the home, where to listen, and the frontends. */
    record Layout(String home, String bindAddress, List<Frontend> frontends) {
        String path(String file) {
            return home.endsWith("/") ? home + file : home + "/" + file;
        }

        boolean bindsEveryInterface() {
            return Node.ANY_ADDRESS.equals(bindAddress);
        }

        /** {@code address:port} for a listener; IPv6 literals bracketed. */
        String listen(int port) {
            return (isIpv6(bindAddress) ? "[" + bindAddress + "]" : bindAddress) + ":" + port;
        }
    }

    private LoadBalancerRecipe() {
    }

    /**
     * The load-balancer node's bundle. With no doubled role there is nothing to front: the bundle
     * writes nothing and names no process (HAProxy refuses to start without a listener), and the
     * warning says so; adding a second node of a role makes the next bundle configure it.
     *
     * @throws RecipeException when the spec has no load-balancer node, a doubled role has no
     *                         endpoint, or the certificate does not name every endpoint host
     */
    public static Recipes.NodeBundle bundle(ClusterSpec spec, long revision, LoadBalancerMaterial material) {
        Node node = spec.loadBalancerNode()
                .orElseThrow(() -> new RecipeException("cluster " + spec.cluster() + " has no load-balancer node"));
        Layout layout = layout(spec, material);
        if (layout.frontends().isEmpty()) {
            return new Recipes.NodeBundle(new Bundle(node.name(), revision, List.of(), null, List.of()),
                    List.of("no role has two or more nodes: load balancer " + node.name()
                            + " has nothing to front, so nothing is configured or started on it"));
        }
        checkNames(material.tlsChain().get(0), layout.frontends());
        LoadBalancer.Kind kind = spec.loadBalancer().kind();
        String configFile = kind == LoadBalancer.Kind.NGINX ? NginxConfig.FILE : HaproxyConfig.FILE;
        String config = kind == LoadBalancer.Kind.NGINX ? NginxConfig.render(spec, layout) : HaproxyConfig.render(spec, layout);
        Steps steps = new Steps();
        steps.write(FileWrite.text(CA_FILE, TrustRecipe.pem(material.productCa()), "0644"));
        steps.write(FileWrite.text(ENDPOINT_PEM, endpointPem(material), "0600"));
        steps.write(FileWrite.text(configFile, config, "0644"));
        ProcessSpec process = kind == LoadBalancer.Kind.NGINX ? NginxConfig.process(layout) : HaproxyConfig.process(layout);
        return new Recipes.NodeBundle(new Bundle(node.name(), revision, steps.operations(), process, probes(spec, node, layout)),
                List.of());
    }

    /** The home of the spec's load-balancer node: its {@code home}, else {@value #DEFAULT_HOME}. */
    public static String home(ClusterSpec spec) {
        return spec.loadBalancerNode().map(n -> n.home() != null ? n.home() : DEFAULT_HOME)
                .orElseThrow(() -> new RecipeException("cluster " + spec.cluster() + " has no load-balancer node"));
    }

    /** The absolute path of HAProxy's admin socket on the load-balancer host. */
    public static String adminSocket(ClusterSpec spec) {
        return new Layout(home(spec), Node.ANY_ADDRESS, List.of()).path(ADMIN_SOCKET);
    }

    /**
     * The backend (HAProxy) or upstream (nginx) name of a role, for runtime commands such as
     * {@code set server publisher/pub1 state drain}; server names are node names.
     */
    public static String backendName(Role role) {
        return role.yamlName();
    }

    static Layout layout(ClusterSpec spec, LoadBalancerMaterial material) {
        Node node = spec.loadBalancerNode()
                .orElseThrow(() -> new RecipeException("cluster " + spec.cluster() + " has no load-balancer node"));
        List<Frontend> frontends = new ArrayList<>();
        for (Role role : Role.apimRoles()) {
            if (!role.isLoadBalanced() || !spec.isDoubled(role)) {
                continue;
            }
            Endpoint endpoint = spec.endpoint(role).orElseThrow(() -> new RecipeException(role + " has "
                    + spec.nodesWithRole(role).size() + " nodes but loadBalancer.endpoints." + role + " is missing"));
            List<Server> servers = spec.nodesWithRole(role).stream()
                    .map(n -> new Server(n.name(), n.host(), ApimPort.SERVLET_HTTPS.on(n), material.drained().contains(n.name())))
                    .toList();
            frontends.add(new Frontend(role, endpoint, STICKY.contains(role), servers));
        }
        return new Layout(home(spec), node.bindAddress(), frontends);
    }

    /** The chain, leaf first, then the host-made key: the one file HAProxy's {@code crt} and nginx both read. */
    private static String endpointPem(LoadBalancerMaterial material) {
        StringBuilder pem = new StringBuilder();
        material.tlsChain().forEach(certificate -> pem.append(TrustRecipe.pem(certificate)));
        return pem.append(SecretRef.host(LoadBalancerMaterial.KEY_HOST_SECRET)).append('\n').toString();
    }

    /** The name a client dials must be in the certificate it is shown (DESIGN.md, Load balancer). */
    private static void checkNames(X509Certificate leaf, List<Frontend> frontends) {
        Set<String> names = subjectAltNames(leaf);
        List<String> missing = frontends.stream().map(f -> f.endpoint().host())
                .filter(host -> !names.contains(host.toLowerCase(Locale.ROOT))).distinct().toList();
        if (!missing.isEmpty()) {
            throw new RecipeException("the load balancer's certificate (" + leaf.getSubjectX500Principal().getName()
                    + ") does not name " + String.join(", ", missing) + "; it names only " + names
                    + ": issue it with every endpoint host as a subject alternative name");
        }
    }

    private static Set<String> subjectAltNames(X509Certificate certificate) {
        Set<String> names = new TreeSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                sans.stream().filter(san -> san.get(0) instanceof Integer type && (type == 2 || type == 7))
                        .forEach(san -> names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT)));
            }
        } catch (CertificateParsingException e) {
            throw new RecipeException("cannot read the names of the load balancer's certificate: " + e.getMessage());
        }
        return names;
    }

    /** A TCP probe per endpoint port; the process itself is the agent's to supervise (ProcessSpec). */
    private static List<Probe> probes(ClusterSpec spec, Node node, Layout layout) {
        Duration interval = spec.rollout().probeInterval();
        Duration timeout = PROBE_TIMEOUT.compareTo(interval) > 0 ? interval : PROBE_TIMEOUT;
        Duration grace = STARTUP_GRACE.compareTo(spec.rollout().healthyDeadline()) > 0 ? spec.rollout().healthyDeadline() : STARTUP_GRACE;
        String host = layout.bindsEveryInterface() ? node.host() : layout.bindAddress();
        return layout.frontends().stream()
                .map(f -> new Probe(f.name(), Probe.Kind.TCP, host, f.endpoint().port(), null, interval, timeout, 1, 3, grace))
                .toList();
    }

    static boolean isIpv6(String host) {
        return host != null && host.contains(":");
    }

    static boolean isIpLiteral(String host) {
        return host != null && (isIpv6(host) || IPV4.matcher(host).matches());
    }
}
