package io.apimfleet.agent.facts;

import io.apimfleet.agent.AgentVersion;
import io.apimfleet.bundle.stage.AppliedRevision;
import io.apimfleet.protocol.link.Facts;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gathers {@link Facts}. Blocking (file system): call it on a worker. The product version is read
 * from the home's {@code bin/version.txt} (WSO2 ships {@code WSO2 API Manager v2.2.0} there: the
 * first {@code X.Y.Z} in it), else from the home directory's name ({@code wso2am-2.2.0}); absent
 * otherwise. The product state is {@code unknown} until the agent supervises the product.
 */
public final class HostFacts {
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+(?:\\.\\d+)?)");
    private static final Pattern VERSIONED_DIRECTORY = Pattern.compile("[A-Za-z][\\w.]*?-(\\d+\\.\\d+(?:\\.\\d+){0,2})");

    private final Path home;
    private final Path state;
    private final Supplier<List<AppliedRevision>> history;
    private final String hostname;
    private final Supplier<String> productState;

    /**
     * @param home    the managed API-M home, or null when this agent manages none
     * @param state   the agent's state directory (free disk is measured there when there is no home)
     * @param history the bundle applier's history
     */
    public HostFacts(Path home, Path state, Supplier<List<AppliedRevision>> history) {
        this(home, state, history, () -> "unknown");
    }

    /** @param productState the supervisor's product state ({@code running}, {@code stopped}, {@code exited}, {@code unknown}) */
    public HostFacts(Path home, Path state, Supplier<List<AppliedRevision>> history, Supplier<String> productState) {
        this.productState = productState;
        this.home = home == null ? null : home.toAbsolutePath().normalize();
        this.state = state;
        this.history = history;
        this.hostname = hostname();
    }

    public Facts collect() {
        boolean exists = home != null && Files.isDirectory(home);
        return new Facts(hostname,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")",
                System.getProperty("java.vendor") + " " + Runtime.version(),
                home == null ? null : home.toString(),
                exists,
                exists ? productVersion(home) : null,
                freeBytes(home != null ? home : state),
                productState.get(),
                revision(),
                AgentVersion.get());
    }

    private long revision() {
        try {
            List<AppliedRevision> applied = history.get();
            return applied.isEmpty() ? 0 : applied.get(applied.size() - 1).revision();
        } catch (RuntimeException unreadable) {
            return 0;
        }
    }

    /** The product version of a home, or null. */
    public static String productVersion(Path home) {
        Path file = home.resolve("bin/version.txt");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                Matcher m = VERSION.matcher(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.group(1);
                }
            } catch (IOException unreadable) {
                // fall back to the directory name
            }
        }
        Path name = home.getFileName();
        Matcher m = VERSIONED_DIRECTORY.matcher(name == null ? "" : name.toString());
        return m.matches() ? m.group(1) : null;
    }

    /** Usable bytes on the file system of {@code path} (of its nearest existing parent), -1 if unknown. */
    static long freeBytes(Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return p == null ? -1 : Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The kernel's host name (no DNS look-up that could hang), else the JDK's. */
    private static String hostname() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall back
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
