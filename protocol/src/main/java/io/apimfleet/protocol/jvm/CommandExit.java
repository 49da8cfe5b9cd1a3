package io.apimfleet.protocol.jvm;

import java.util.List;

/**
 * Ends a command-line program without the JVM's wait for threads in native code. JDK 17's
 * {@link java.net.http.HttpClient} keeps a selector thread blocked in {@code epoll_wait} for
 * the client's lifetime (it has no {@code close()} before JDK 21), and {@link System#exit}
 * waits up to 300 ms for such threads before it ends the process; every command that spoke to
 * the controller ended that much late (0.35 s after the last line of {@code fleet apply},
 * measured). An interrupted selector thread stops, so the exit no longer waits.
 */
public final class CommandExit {
    private static final String SELECTOR_THREAD = "SelectorManager";
    private static final long JOIN_MILLIS = 100;

    private CommandExit() {
    }

    /** Stops the HTTP clients' selector threads, then {@link System#exit}; never returns. */
    public static void exit(int status) {
        stopHttpClientSelectors();
        System.exit(status);
    }

    /** Interrupts every HTTP client's selector thread and waits briefly for each to end; the threads found. */
    static List<Thread> stopHttpClientSelectors() {
        List<Thread> selectors = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith(SELECTOR_THREAD)).toList();
        for (Thread selector : selectors) {
            selector.interrupt();
            try {
                selector.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return selectors;
    }
}
