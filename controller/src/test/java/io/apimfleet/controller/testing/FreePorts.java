package io.apimfleet.controller.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports for tests, each handed out at most once per test JVM. A port is only probed
 * here, not held, so the system may offer it again before its user binds it: a test that takes
 * two ports in a row once got the same one twice (CI, "the Hazelcast and event bus ports must
 * differ"). Remembering every port handed out rules that out for all callers at once.
 */
public final class FreePorts {
    private static final int ATTEMPTS = 100;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port free on {@code ip} now and never returned before by this JVM. */
    public static int on(String ip) {
        try {
            return on(InetAddress.getByName(ip));
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + ip, e);
        }
    }

    /** A port free on the loopback address now and never returned before by this JVM. */
    public static int onLoopback() {
        return on(InetAddress.getLoopbackAddress());
    }

    private static int on(InetAddress address) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, address)) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + address.getHostAddress(), e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("the system offered only ports already handed out on " + address.getHostAddress()
                + " in " + ATTEMPTS + " attempts");
    }
}
