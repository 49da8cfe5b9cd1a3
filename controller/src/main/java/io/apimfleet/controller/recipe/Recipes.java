package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.ProcessSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entry point of the product knowledge: for one node of a valid spec, the bundle that takes a
 * freshly unzipped API-M 2.2.0 home to its place in the distributed pattern, and how to start it.
 */
public final class Recipes {
    /** A node's bundle, with what the recipe had to leave out (said, never silently dropped). */
    public record NodeBundle(Bundle bundle, List<String> warnings) {
        public NodeBundle {
            warnings = List.copyOf(warnings);
        }
    }

    /** Reads the JDBC driver jar the spec names; empty when it is not on this machine. */
    @FunctionalInterface
    public interface DriverJars {
        Optional<byte[]> read(Path jar);

        static DriverJars fromDisk() {
            return jar -> {
                try {
                    return Optional.of(Files.readAllBytes(jar));
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                } catch (IOException e) {
                    throw new RecipeException("databases.driverJar " + jar + " cannot be read: " + e.getMessage());
                }
            };
        }
    }

    private static final Map<Role, RoleRecipe> ROLES = Map.of(
            Role.KEY_MANAGER, new KeyManagerRecipe(),
            Role.PUBLISHER, new PublisherRecipe(),
            Role.STORE, new StoreRecipe(),
            Role.TRAFFIC_MANAGER, new TrafficManagerRecipe(),
            Role.GATEWAY, new GatewayRecipe());

    /** The {@code -Dprofile} each role starts with (API-M 2.2.0 profile names). */
    private static final Map<Role, String> PROFILES = Map.of(
            Role.KEY_MANAGER, "api-key-manager",
            Role.PUBLISHER, "api-publisher",
            Role.STORE, "api-store",
            Role.TRAFFIC_MANAGER, "traffic-manager",
            Role.GATEWAY, "gateway-worker");

    private Recipes() {
    }

    public static NodeBundle bundle(ClusterSpec spec, String nodeName, long revision, DriverJars driverJars) {
        return bundle(spec, nodeName, revision, driverJars, null);
    }

    /**
     * The node's bundle; with {@code trust}, its keystores and every store reference are
     * replaced too (without, they stay as shipped).
     */
    public static NodeBundle bundle(ClusterSpec spec, String nodeName, long revision, DriverJars driverJars, TrustMaterial trust) {
        Node node = spec.node(nodeName).orElseThrow(() -> new RecipeException("no node named " + nodeName + " in cluster " + spec.cluster()));
        if (!node.role().isApim()) {
            throw new RecipeException("node " + nodeName + " is a " + node.role() + ", which runs no API-M");
        }
        Topology topology = new Topology(spec);
        Steps steps = new Steps();
        List<String> warnings = new ArrayList<>();
        if (node.role() == Role.TRAFFIC_MANAGER) {
            TrafficManagerRecipe.swapConfiguration(steps);
        }
        CommonRecipe.apply(topology, node, steps);
        ROLES.get(node.role()).apply(topology, node, steps);
        if (spec.options().jwt() && (node.role() == Role.KEY_MANAGER || node.role() == Role.GATEWAY)) {
            ApiManagerXml.of(steps).enable(ApiManagerXml.JWT_GENERATION, "true");
        }
        if (trust != null) {
            TrustRecipe.apply(spec, node, trust, steps);
        }
        driverJar(spec, driverJars, steps, warnings);
        return new NodeBundle(new Bundle(node.name(), revision, steps.operations(), process(spec, node), HealthProbes.of(spec, node)), warnings);
    }

    /** Every API-M node's bundle, in spec order. */
    public static List<NodeBundle> all(ClusterSpec spec, long revision, DriverJars driverJars) {
        return spec.nodes().stream().filter(n -> n.role().isApim())
                .map(n -> bundle(spec, n.name(), revision, driverJars)).toList();
    }

    private static void driverJar(ClusterSpec spec, DriverJars driverJars, Steps steps, List<String> warnings) {
        String configured = spec.databases().driverJar();
        if (configured == null) {
            return;
        }
        Path jar = Path.of(configured);
        Optional<byte[]> content = driverJars.read(jar);
        if (content.isEmpty()) {
            warnings.add("databases.driverJar " + configured + " is not on this machine: it was not copied to "
                    + ApimFiles.COMPONENTS_LIB + " (apply needs it)");
            return;
        }
        steps.write(FileWrite.binary(ApimFiles.COMPONENTS_LIB + "/" + jar.getFileName(), content.get(), "0644"));
    }

    private static ProcessSpec process(ClusterSpec spec, Node node) {
        Map<String, String> environment = new LinkedHashMap<>();
        String heap = spec.jvm().heapFor(node.role());
        environment.put("JVM_MEM_OPTS", "-Xms" + heap + " -Xmx" + heap);
        if (spec.product().javaHome() != null) {
            environment.put("JAVA_HOME", spec.product().javaHome());
        }
        return new ProcessSpec(List.of("sh", ApimFiles.START_SCRIPT, "-Dprofile=" + PROFILES.get(node.role())), environment);
    }
}
