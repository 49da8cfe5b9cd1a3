package io.apimfleet.standin.config;

import org.w3c.dom.Element;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A home read as API-M 2.2.0 reads it at start-up: who this node is, which keys its listeners
 * present, what it trusts, and which peers it needs now (start-time) or later (only logged).
 *
 * @param ownHost        this node's own name: axis2.xml {@code localMemberHost} when clustering is on (a
 *                       doubled node's HostName names its load-balancer endpoint), else carbon.xml HostName
 * @param primary        carbon.xml {@code Security/KeyStore}: the primary key (identity, signing)
 * @param trust          carbon.xml {@code Security/TrustStore}
 * @param managementTls  catalina-server.xml HTTPS connector: the key of 9443
 * @param passThroughTls axis2.xml {@code transportReceiver[@name='https']} keystore: the key of 8243
 *                       (null when axis2.xml has no PassThrough HTTPS receiver, as on a traffic manager)
 * @param dataBridgeTls  data-bridge-config.xml keystore, else the primary: the key of 9711
 */
public record NodeConfig(Path home, Profile profile, int offset, String ownHost, InetAddress bindAddress,
                         StoreRef primary, StoreRef trust, StoreRef managementTls, StoreRef passThroughTls,
                         StoreRef dataBridgeTls, List<Peer> startPeers, List<Peer> laterPeers, Duration startDelay) {

    public static final String CARBON = "repository/conf/carbon.xml";
    public static final String API_MANAGER = "repository/conf/api-manager.xml";
    public static final String CATALINA = "repository/conf/tomcat/catalina-server.xml";
    public static final String AXIS2 = "repository/conf/axis2/axis2.xml";
    public static final String DATA_BRIDGE = "repository/conf/data-bridge/data-bridge-config.xml";
    public static final String JNDI = "repository/conf/jndi.properties";
    public static final String WEBAPPS = "repository/deployment/server/webapps";
    public static final String PROPERTIES = "bin/standin.properties";
    public static final String START_DELAY_ENV = "STANDIN_START_DELAY";
    public static final Duration DEFAULT_START_DELAY = Duration.ofMillis(500);

    public NodeConfig {
        startPeers = List.copyOf(startPeers);
        laterPeers = List.copyOf(laterPeers);
    }

    /** Reads {@code home}; {@code offsetOverride} is {@code -DportOffset} (null: carbon.xml's). */
    public static NodeConfig read(Path home, String profileName, Integer offsetOverride, Map<String, String> env) {
        Profile profile = Profile.of(profileName);
        ConfXml carbon = ConfXml.read(home.resolve(CARBON));
        String ownHost = Clustering.read(home).map(Clustering::localMemberHost)
                .or(() -> carbon.text("HostName").filter(s -> !s.isEmpty())).orElse(null);
        int offset = offsetOverride != null ? offsetOverride
                : carbon.text("Ports", "Offset").map(s -> parseInt(s, CARBON + " Ports/Offset")).orElse(0);
        StoreRef primary = new StoreRef(location(home, carbon.text("Security", "KeyStore", "Location"), CARBON + " Security/KeyStore/Location"),
                carbon.text("Security", "KeyStore", "Type").orElse("JKS"),
                carbon.text("Security", "KeyStore", "Password").orElse(null),
                carbon.text("Security", "KeyStore", "KeyPassword").orElse(null),
                carbon.text("Security", "KeyStore", "KeyAlias").orElse(null), CARBON + " Security/KeyStore");
        StoreRef trust = new StoreRef(location(home, carbon.text("Security", "TrustStore", "Location"), CARBON + " Security/TrustStore/Location"),
                carbon.text("Security", "TrustStore", "Type").orElse("JKS"),
                carbon.text("Security", "TrustStore", "Password").orElse(null), null, null, CARBON + " Security/TrustStore");
        NodeConfig partial = new NodeConfig(home, profile, offset, ownHost, bindAddress(ownHost), primary, trust,
                managementTls(home), passThroughTls(home), dataBridgeTls(home, primary), List.of(), List.of(), startDelay(home, env));
        Peers peers = new Peers(partial, ConfXml.read(home.resolve(API_MANAGER)));
        return new NodeConfig(home, profile, offset, ownHost, partial.bindAddress(), primary, trust, partial.managementTls(),
                partial.passThroughTls(), partial.dataBridgeTls(), peers.startTime(), peers.later(), partial.startDelay());
    }

    /** This node's own name ({@link #ownHost()}), else localhost (as the product's URLs say). */
    public String host() {
        return ownHost != null ? ownHost : "localhost";
    }

    public int port(Listener listener) {
        return listener.port(offset);
    }

    /** Whether a URL's host:port is this node itself (its own host, at one of its own ports). */
    boolean isSelf(String host, int port) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", host()));
        if (!bindAddress.isAnyLocalAddress()) {
            names.add(bindAddress.getHostAddress());
        }
        return names.contains(host) && profile.listeners().stream().anyMatch(l -> l.port(offset) == port);
    }

    /**
     * The address the listeners bind: the node's own name when it is an IP literal or resolves to
     * an address of this machine, else every address (Carbon binds 0.0.0.0 unless told otherwise).
     * Never a load-balancer endpoint: that is another host's.
     */
    static InetAddress bindAddress(String ownHost) {
        InetAddress any = anyAddress();
        if (ownHost == null) {
            return any;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(ownHost)) {
                if (isIpLiteral(ownHost) || address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null) {
                    return address;
                }
            }
        } catch (UnknownHostException | SocketException e) {
            return any;
        }
        return any;
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StoreRef managementTls(Path home) {
        ConfXml catalina = ConfXml.read(home.resolve(CATALINA));
        for (Element connector : ConfXml.descendants(catalina.root(), "Connector")) {
            if (!connector.getAttribute("keystoreFile").isEmpty()) {
                return new StoreRef(location(home, Optional.of(connector.getAttribute("keystoreFile")), CATALINA + " Connector@keystoreFile"),
                        attribute(connector, "keystoreType").orElse("JKS"), attribute(connector, "keystorePass").orElse(null),
                        attribute(connector, "keyPass").orElse(null), attribute(connector, "keyAlias").orElse(null),
                        CATALINA + " Connector[@port='" + connector.getAttribute("port") + "']");
            }
        }
        throw new ConfigException(home.resolve(CATALINA) + " has no HTTPS Connector with a keystoreFile");
    }

    private static StoreRef passThroughTls(Path home) {
        Optional<ConfXml> axis2 = ConfXml.readIfPresent(home.resolve(AXIS2));
        if (axis2.isEmpty()) {
            return null;
        }
        for (Element receiver : ConfXml.children(axis2.get().root(), "transportReceiver")) {
            if (!"https".equals(receiver.getAttribute("name"))) {
                continue;
            }
            for (Element parameter : ConfXml.children(receiver, "parameter")) {
                if ("keystore".equals(parameter.getAttribute("name"))) {
                    String source = AXIS2 + " transportReceiver[@name='https']/parameter[@name='keystore']/KeyStore";
                    Optional<Element> keyStore = ConfXml.element(parameter, "KeyStore");
                    return new StoreRef(location(home, keyStore.flatMap(k -> text(k, "Location")), source + "/Location"),
                            keyStore.flatMap(k -> text(k, "Type")).orElse("JKS"), keyStore.flatMap(k -> text(k, "Password")).orElse(null),
                            keyStore.flatMap(k -> text(k, "KeyPassword")).orElse(null), null, source);
                }
            }
        }
        return null;
    }

    private static StoreRef dataBridgeTls(Path home, StoreRef primary) {
        Optional<ConfXml> bridge = ConfXml.readIfPresent(home.resolve(DATA_BRIDGE));
        Optional<String> location = bridge.flatMap(b -> b.text("keyStoreLocation"));
        if (location.isEmpty()) {
            // The data bridge falls back to carbon.xml's primary keystore when its own is not set.
            return primary;
        }
        return new StoreRef(location(home, location, DATA_BRIDGE + " keyStoreLocation"), "JKS",
                bridge.get().text("keyStorePassword").orElse(null), null, null, DATA_BRIDGE + " keyStoreLocation/keyStorePassword");
    }

    private static Duration startDelay(Path home, Map<String, String> env) {
        String fromEnv = env.get(START_DELAY_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Durations.parse(fromEnv, START_DELAY_ENV);
        }
        Path file = home.resolve(PROPERTIES);
        if (Files.isRegularFile(file)) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
            }
            String value = properties.getProperty("start.delay");
            if (value != null) {
                return Durations.parse(value, file + " start.delay");
            }
        }
        return DEFAULT_START_DELAY;
    }

    /** A store location as Carbon resolves it: {@code ${carbon.home}} replaced, relative to the home. */
    static Path location(Path home, Optional<String> value, String source) {
        String raw = value.filter(s -> !s.isBlank()).orElseThrow(() -> new ConfigException(source + " is missing"));
        String resolved = raw.replace("${carbon.home}", home.toString());
        Path path = Path.of(resolved);
        return path.isAbsolute() ? path.normalize() : home.resolve(path).normalize();
    }

    private static Optional<String> attribute(Element e, String name) {
        return e.hasAttribute(name) ? Optional.of(e.getAttribute(name)) : Optional.empty();
    }

    private static Optional<String> text(Element parent, String name) {
        return ConfXml.element(parent, name).map(e -> e.getTextContent().trim());
    }

    static int parseInt(String value, String source) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(source + " is not a number: '" + value + "'");
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    /** api-manager.xml's runtime placeholders, resolved with this node's offset as carbon-apimgt does. */
    String resolve(String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = switch (m.group(1)) {
                case "mgt.transport.https.port" -> Integer.toString(port(Listener.MANAGEMENT));
                case "carbon.context" -> "/";
                case "carbon.local.ip", "carbon.host" -> host();
                case "receiver.url.port" -> Integer.toString(port(Listener.THROTTLE_RECEIVER));
                case "auth.url.port" -> Integer.toString(port(Listener.THROTTLE_AUTH));
                case "jms.port" -> Integer.toString(port(Listener.JMS));
                case "https.nio.port" -> Integer.toString(port(Listener.PASSTHROUGH_HTTPS));
                case "http.nio.port" -> Integer.toString(port(Listener.PASSTHROUGH_HTTP));
                default -> m.group();
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** host:port of a URL in api-manager.xml ({@code https://h:p/...}, {@code tcp://h:p}, {@code ssl://h:p}). */
    Optional<Peer> peer(String role, Peer.Kind kind, String url, String source) {
        String resolved = resolve(url.trim());
        try {
            URI uri = URI.create(resolved);
            if (uri.getHost() == null) {
                throw new ConfigException(API_MANAGER + " " + source + " has no host: " + resolved);
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
            return isSelf(host, port) ? Optional.empty() : Optional.of(new Peer(role, kind, host, port));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(API_MANAGER + " " + source + " is not a URL: " + resolved);
        }
    }

    /** Every URL of a data-publisher group list: {@code {tcp://a:1},{tcp://b:1}}, {@code tcp://a:1|tcp://b:1}, or one URL. */
    static List<String> groupUrls(String group) {
        List<String> urls = new ArrayList<>();
        for (String part : group.split("[,|]")) {
            String url = part.replace("{", "").replace("}", "").trim();
            if (!url.isEmpty()) {
                urls.add(url);
            }
        }
        return urls;
    }
}
