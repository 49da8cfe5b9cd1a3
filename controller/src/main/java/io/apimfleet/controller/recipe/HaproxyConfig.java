package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.bundle.ProcessSpec;

import java.util.List;

import static io.apimfleet.controller.recipe.LoadBalancerRecipe.Frontend;
import static io.apimfleet.controller.recipe.LoadBalancerRecipe.Layout;
import static io.apimfleet.controller.recipe.LoadBalancerRecipe.Server;

/**
 * {@code haproxy.cfg} for the load balancer (HAProxy 2.6, Debian 12's): HTTP mode, one frontend
 * per doubled role, backends re-encrypted and verified, health-checked on the management console,
 * sticky by prefixing the web apps' own {@code JSESSIONID} for publisher and store, and an admin
 * socket for drains without a reload. Runs master-worker in the foreground, so the agent
 * supervises the master and reloads with {@code SIGUSR2}.
 */
final class HaproxyConfig {
    static final String FILE = "haproxy.cfg";
    /** Health checks: every 2 s, down after 3 failures, up after 2 successes. */
    static final String CHECK = "check inter 2s fall 3 rise 2";

    private HaproxyConfig() {
    }

    /** The master's pid file: a graceful reload is SIGUSR2 to the master (master-worker mode). */
    static final String PID = "haproxy.pid";

    static ProcessSpec process(Layout layout) {
        return new ProcessSpec(List.of("haproxy", "-W", "-db", "-p", layout.path(PID), "-f", layout.path(FILE)), null,
                List.of("sh", "-c", "kill -USR2 \"$(cat '" + layout.path(PID) + "')\""), layout.path(LoadBalancerRecipe.ADMIN_SOCKET));
    }

    static String render(ClusterSpec spec, Layout layout) {
        StringBuilder out = new StringBuilder();
        out.append("# HAProxy for cluster ").append(spec.cluster())
                .append(", rendered by apim-fleet from the cluster spec: edits here are overwritten by the next apply.\n");
        out.append("global\n");
        out.append("    log stderr format raw local0 info\n");
        // The agent drains and re-enables servers here at runtime; expose-fd lets a reload keep the listening sockets.
        out.append("    stats socket ").append(layout.path(LoadBalancerRecipe.ADMIN_SOCKET))
                .append(" mode 600 level admin expose-fd listeners\n");
        out.append("    stats timeout 30s\n");
        out.append("    ssl-default-bind-options ssl-min-ver TLSv1.2\n");
        out.append("    ssl-default-server-options ssl-min-ver TLSv1.2\n");
        out.append("\n");
        out.append("defaults\n");
        out.append("    mode http\n");
        out.append("    log global\n");
        out.append("    option httplog\n");
        out.append("    option forwardfor\n");
        // A request whose server went down is retried on its twin, even when a cookie pinned it there.
        out.append("    option redispatch\n");
        out.append("    retries 3\n");
        out.append("    timeout connect 5s\n");
        out.append("    timeout client 60s\n");
        out.append("    timeout server 60s\n");
        out.append("    timeout http-request 10s\n");
        out.append("    timeout http-keep-alive 10s\n");
        out.append("    timeout check 5s\n");
        // A backend name that does not resolve at start leaves that server down, not the whole load balancer.
        out.append("    default-server init-addr last,libc,none\n");
        for (Frontend frontend : layout.frontends()) {
            frontend(out, frontend, layout);
            backend(out, frontend, layout);
        }
        return out.toString();
    }

    private static void frontend(StringBuilder out, Frontend frontend, Layout layout) {
        out.append("\n");
        out.append("frontend ").append(frontend.name()).append("\n");
        out.append("    bind ").append(layout.listen(frontend.endpoint().port()))
                .append(" ssl crt ").append(layout.path(LoadBalancerRecipe.ENDPOINT_PEM)).append("\n");
        out.append("    http-request set-header X-Forwarded-Proto https\n");
        out.append("    http-request set-header X-Forwarded-Port ").append(frontend.endpoint().port()).append("\n");
        out.append("    default_backend ").append(LoadBalancerRecipe.backendName(frontend.role())).append("\n");
    }

    private static void backend(StringBuilder out, Frontend frontend, Layout layout) {
        out.append("\n");
        out.append("backend ").append(LoadBalancerRecipe.backendName(frontend.role())).append("\n");
        out.append("    balance roundrobin\n");
        if (frontend.sticky()) {
            // The web app's own session cookie, prefixed with the server name on its way out and
            // stripped on its way in: sticky exactly as long as the session lives, no cookie of our own.
            out.append("    cookie JSESSIONID prefix nocache\n");
        }
        out.append("    option httpchk GET ").append(HealthProbes.CONSOLE).append("\n");
        out.append("    http-check expect status 200\n");
        String ca = layout.path(LoadBalancerRecipe.CA_FILE);
        for (Server server : frontend.servers()) {
            out.append("    server ").append(server.name()).append(' ').append(server.authority());
            if (frontend.sticky()) {
                out.append(" cookie ").append(server.name());
            }
            out.append(" ssl verify required ca-file ").append(ca).append(" verifyhost ").append(server.host());
            if (!LoadBalancerRecipe.isIpLiteral(server.host())) {
                out.append(" sni str(").append(server.host()).append(") check-sni ").append(server.host());
            }
            out.append(' ').append(CHECK);
            if (server.drained()) {
                out.append(" disabled");
            }
            out.append("\n");
        }
    }
}
