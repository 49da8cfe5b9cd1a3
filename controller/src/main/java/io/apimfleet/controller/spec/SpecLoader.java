package io.apimfleet.controller.spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * Reads a spec file into a {@link ClusterSpec}, reporting every shape problem at once with its
 * location: malformed YAML, unknown or duplicate fields, missing required fields, wrong types,
 * unknown names, inline secrets. Cross-field rules are {@link SpecValidator}'s.
 */
public final class SpecLoader {
    private static final Map<String, Role> ROLES = byName(Role.values(), Role::yamlName);
    private static final Map<String, LoadBalancer.Kind> KINDS =
            byName(LoadBalancer.Kind.values(), LoadBalancer.Kind::yamlName);
    private static final List<String> HEAP_KEYS = heapKeys();

    private SpecLoader() {
    }

    /** Reads a UTF-8 file; {@code source} is how problems name it (the path as the user typed it). */
    public static LoadedSpec load(Path file, String source) throws IOException {
        return load(source, Files.readString(file));
    }

    public static LoadedSpec load(String source, String yaml) {
        YamlContext ctx = new YamlContext(source);
        org.yaml.snakeyaml.nodes.Node document;
        try {
            // compose, not load: the node tree keeps the marks that locate every problem.
            document = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            ctx.report(FieldPath.ROOT, ctx.location(e.getProblemMark() != null ? e.getProblemMark()
                    : e.getContextMark()), malformed(e));
            return ctx.result(null);
        } catch (YAMLException e) {
            ctx.report(FieldPath.ROOT, ctx.fileStart(), "malformed YAML: " + e.getMessage());
            return ctx.result(null);
        }
        if (document == null) {
            ctx.report(FieldPath.ROOT, ctx.fileStart(),
                    "the file holds no YAML document; a cluster spec starts with apiVersion: " + ClusterSpec.API_VERSION);
            return ctx.result(null);
        }
        if (!(document instanceof MappingNode root)) {
            ctx.report(FieldPath.ROOT, ctx.location(document),
                    "a cluster spec is a mapping of fields, starting with apiVersion: " + ClusterSpec.API_VERSION);
            return ctx.result(null);
        }
        YamlMap top = YamlMap.root(ctx, root);
        ClusterSpec spec = readSpec(top);
        top.finish();
        return ctx.result(spec);
    }

    private static String malformed(MarkedYAMLException e) {
        StringBuilder message = new StringBuilder("malformed YAML: ").append(e.getProblem());
        if (e.getContext() != null) {
            message.append(" (").append(e.getContext());
            if (e.getContextMark() != null) {
                message.append(" at line ").append(e.getContextMark().getLine() + 1)
                        .append(", column ").append(e.getContextMark().getColumn() + 1);
            }
            message.append(')');
        }
        return message.toString();
    }

    private static ClusterSpec readSpec(YamlMap m) {
        return new ClusterSpec(
                m.required("apiVersion", "start the file with apiVersion: " + ClusterSpec.API_VERSION, m::text)
                        .orElse(null),
                m.required("cluster", "name the cluster, e.g. cluster: prod-apim", m::text).orElse(null),
                m.section("product", SpecLoader::readProduct).orElse(Product.defaults()),
                m.required("admin", "add admin: { username: admin, password: \"${secret:admin-password}\" }",
                        key -> m.section(key, SpecLoader::readAdmin)).orElse(Admin.defaults()),
                m.section("databases", SpecLoader::readDatabases).orElse(Databases.NONE),
                m.required("nodes", "list the nodes, e.g. nodes: [ { name: km1, role: key-manager, host: km1.example } ]",
                        key -> m.sections(key, SpecLoader::readNode)).orElse(List.of()),
                m.section("loadBalancer", SpecLoader::readLoadBalancer).orElse(null),
                m.section("jvm", SpecLoader::readJvm).orElse(Jvm.defaults()),
                m.section("options", SpecLoader::readOptions).orElse(Options.defaults()),
                m.section("rollout", SpecLoader::readRollout).orElse(Rollout.defaults()));
    }

    private static Product readProduct(YamlMap m) {
        String version = m.text("version").orElse(Product.DEFAULT_VERSION);
        return new Product(version, m.text("home").orElse(Product.defaultHome(version)),
                m.text("javaHome").orElse(null));
    }

    private static Admin readAdmin(YamlMap m) {
        return new Admin(m.text("username").orElse(Admin.DEFAULT_USERNAME),
                m.required("password", "add password: ${secret:admin-password}", m::text).orElse(null));
    }

    private static Databases readDatabases(YamlMap m) {
        return new Databases(m.text("driverJar").orElse(null),
                m.section("apimgt", SpecLoader::readDatabase).orElse(null),
                m.section("usermgt", SpecLoader::readDatabase).orElse(null),
                m.section("registry", SpecLoader::readDatabase).orElse(null));
    }

    private static Database readDatabase(YamlMap m) {
        return new Database(
                m.required("url", "add url: jdbc:mysql://HOST:3306/DATABASE", m::text).orElse(null),
                m.text("username").orElse(null),
                m.text("password").orElse(null));
    }

    private static Node readNode(YamlMap m) {
        m.peek("name").ifPresent(name -> m.describeAs("node " + name));
        return new Node(
                m.required("name", "add name: a short DNS label such as km1", m::text).orElse(null),
                m.required("role", "add role: one of " + String.join(", ", ROLES.keySet()),
                        key -> m.choice(key, "role", ROLES)).orElse(null),
                m.required("host", "add host: the DNS name (or IP address) its peers use", m::text).orElse(null),
                m.integer("portOffset").orElse(0),
                m.text("address").orElse(null),
                m.texts("altNames").orElse(List.of()),
                m.text("home").orElse(null));
    }

    private static LoadBalancer readLoadBalancer(YamlMap m) {
        return new LoadBalancer(
                m.required("node", "name the node with role: load-balancer, e.g. node: lb1", m::text).orElse(null),
                m.choice("kind", "load-balancer kind", KINDS).orElse(LoadBalancer.Kind.HAPROXY),
                m.section("endpoints", SpecLoader::readEndpoints).orElse(Map.of()));
    }

    private static Map<Role, Endpoint> readEndpoints(YamlMap m) {
        m.keysAre("role");
        Map<Role, Endpoint> endpoints = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            m.section(role.yamlName(), SpecLoader::readEndpoint).ifPresent(endpoint -> endpoints.put(role, endpoint));
        }
        return endpoints;
    }

    private static Endpoint readEndpoint(YamlMap m) {
        return new Endpoint(
                m.required("host", "add host: the DNS name clients use for this role", m::text).orElse(null),
                // 0 stands for "not given"; that absence is reported here, not again by the validator.
                m.required("port", "add port: the port the load balancer listens on, e.g. 9443", m::integer)
                        .orElse(0));
    }

    private static Jvm readJvm(YamlMap m) {
        return new Jvm(m.section("heap", SpecLoader::readHeap).orElse(Map.of()));
    }

    private static Map<String, String> readHeap(YamlMap m) {
        m.keysAre("key");
        Map<String, String> heap = new LinkedHashMap<>();
        for (String key : HEAP_KEYS) {
            m.text(key).ifPresent(size -> heap.put(key, size));
        }
        return heap;
    }

    private static Options readOptions(YamlMap m) {
        Options d = Options.defaults();
        return new Options(
                m.bool("samples").orElse(d.samples()),
                m.bool("gatewayAdminApi").orElse(d.gatewayAdminApi()),
                m.bool("websocket").orElse(d.websocket()),
                m.bool("jwt").orElse(d.jwt()));
    }

    private static Rollout readRollout(YamlMap m) {
        Rollout d = Rollout.defaults();
        return new Rollout(
                m.choices("order", "role", ROLES).orElse(d.order()),
                m.integer("maxUnavailable").orElse(d.maxUnavailable()),
                m.duration("minHealthy").orElse(d.minHealthy()),
                m.duration("healthyDeadline").orElse(d.healthyDeadline()),
                m.bool("autoRollback").orElse(d.autoRollback()),
                m.duration("probeInterval").orElse(d.probeInterval()));
    }

    private static <T> Map<String, T> byName(T[] values, Function<T, String> name) {
        Map<String, T> byName = new LinkedHashMap<>();
        Arrays.stream(values).forEach(value -> byName.put(name.apply(value), value));
        return byName;
    }

    private static List<String> heapKeys() {
        return Stream.concat(Stream.of(Jvm.DEFAULT_KEY), Role.apimRoles().stream().map(Role::yamlName)).toList();
    }
}
