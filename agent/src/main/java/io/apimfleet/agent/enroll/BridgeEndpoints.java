package io.apimfleet.agent.enroll;

import io.apimfleet.protocol.link.LinkAdvice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The controllers' bridge endpoints as a controller names them (at join, in a renewal answer, in
 * its link advice), made fit to connect to: each parsed with {@link Endpoint#parse} (port
 * {@value #DEFAULT_PORT} when none is given), repeats dropped, at most
 * {@value LinkAdvice#MOST_ENDPOINTS} kept in the order given; what is left out is told in one log line.
 */
public final class BridgeEndpoints {
    public static final int DEFAULT_PORT = 7444;

    private BridgeEndpoints() {
    }

    public static List<Endpoint> parse(Collection<String> given, Consumer<String> log) {
        Set<Endpoint> usable = new LinkedHashSet<>();
        List<String> ignored = new ArrayList<>();
        for (String text : given) {
            if (usable.size() == LinkAdvice.MOST_ENDPOINTS) {
                ignored.add(text);
                continue;
            }
            try {
                usable.add(Endpoint.parse(text, DEFAULT_PORT));
            } catch (IllegalArgumentException e) {
                ignored.add(text);
            }
        }
        if (!ignored.isEmpty()) {
            log.accept("ignored " + ignored.size() + " of " + given.size() + " bridge endpoints the controller named (unreadable, or beyond "
                    + LinkAdvice.MOST_ENDPOINTS + "): " + String.join(", ", ignored.subList(0, Math.min(4, ignored.size())))
                    + (ignored.size() > 4 ? ", ..." : ""));
        }
        return List.copyOf(usable);
    }

    /**
     * The endpoints a controller advised, then those known before that it left out (at most
     * {@value LinkAdvice#MOST_ENDPOINTS} in all). An advice lists the controllers its sender sees
     * now: a controller cut off from the others, or one that sees another down for a moment,
     * would otherwise leave its agents nowhere to fail over to.
     */
    public static List<Endpoint> merged(List<Endpoint> advised, List<Endpoint> known) {
        Set<Endpoint> all = new LinkedHashSet<>(advised);
        all.addAll(known);
        return all.stream().limit(LinkAdvice.MOST_ENDPOINTS).toList();
    }

    /** As {@code controller.json} stores them: {@code HOST:PORT}. */
    public static List<String> texts(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::toString).toList();
    }
}
