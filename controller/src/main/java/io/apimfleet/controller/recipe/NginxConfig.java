package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.protocol.bundle.ProcessSpec;

import java.util.List;

import static io.apimfleet.controller.recipe.LoadBalancerRecipe.Frontend;
import static io.apimfleet.controller.recipe.LoadBalancerRecipe.Layout;
import static io.apimfleet.controller.recipe.LoadBalancerRecipe.Server;

/**
 * {@code nginx.conf} for the load balancer, open-source nginx only (1.22, Debian 12's). One
 * {@code server} per doubled role listens with TLS at its endpoint and balances over an
 * {@code upstream} named after the role ({@code hash $cookie_JSESSIONID consistent} for the roles
 * with sessions, passive health by {@code max_fails}/{@code fail_timeout}).
 *
 * <p>Open-source nginx verifies an upstream's certificate against one {@code proxy_ssl_name} per
 * {@code proxy_pass}, not per server, so each backend node gets a small relay of its own: a
 * {@code server} on a unix socket in the home that re-encrypts to that node alone, verifying its
 * own host name. The role's upstream balances over those relays; a relay answers 502 or 504 when
 * its node is unreachable, which the role's upstream counts as a failure and retries on the twin.
 *
 * <p>Logs go to the process's standard error, which the agent keeps as the product log; the pid
 * file and temporary directories live in the home, so nginx needs no root path.
 */
final class NginxConfig {
    static final String FILE = "nginx.conf";
    static final String PID = "nginx.pid";
    /** Passive health: a server failing twice within 5 s is left out for 5 s. */
    static final String PASSIVE_HEALTH = "max_fails=2 fail_timeout=5s";
    private static final List<String> TEMP_PATHS = List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi");

    private NginxConfig() {
    }

    static ProcessSpec process(Layout layout) {
        return new ProcessSpec(List.of("nginx", "-p", layout.path(""), "-e", "stderr", "-c", layout.path(FILE),
                "-g", "daemon off;"), null,
                List.of("nginx", "-p", layout.path(""), "-e", "stderr", "-c", layout.path(FILE), "-s", "reload"));
    }

    /** The relay socket of one backend node. */
    static String relaySocket(Layout layout, Server server) {
        return layout.path("nginx-" + server.name() + ".sock");
    }

    /** The upstream of one backend node, behind its relay. */
    static String nodeUpstream(Server server) {
        return "node-" + server.name();
    }

    static String render(ClusterSpec spec, Layout layout) {
        StringBuilder out = new StringBuilder();
        out.append("# nginx for cluster ").append(spec.cluster())
                .append(", rendered by apim-fleet from the cluster spec: edits here are overwritten by the next apply.\n");
        out.append("worker_processes auto;\n");
        out.append("pid ").append(layout.path(PID)).append(";\n");
        out.append("error_log stderr warn;\n");
        out.append("\n");
        out.append("events {\n");
        out.append("    worker_connections 1024;\n");
        out.append("}\n");
        out.append("\n");
        out.append("http {\n");
        out.append("    access_log /dev/stderr;\n");
        for (String temp : TEMP_PATHS) {
            out.append("    ").append(temp).append("_temp_path ").append(layout.path(temp + "_temp")).append(";\n");
        }
        out.append("    client_max_body_size 100m;\n");
        out.append("    proxy_connect_timeout 5s;\n");
        out.append("    proxy_read_timeout 60s;\n");
        out.append("    proxy_send_timeout 60s;\n");
        out.append("    proxy_http_version 1.1;\n");
        out.append("    ssl_protocols TLSv1.2 TLSv1.3;\n");
        for (Frontend frontend : layout.frontends()) {
            roleUpstream(out, frontend, layout);
            endpointServer(out, frontend, layout);
            for (Server server : frontend.servers()) {
                relay(out, server, layout);
            }
        }
        out.append("}\n");
        return out.toString();
    }

    private static void roleUpstream(StringBuilder out, Frontend frontend, Layout layout) {
        out.append("\n");
        out.append("    upstream ").append(LoadBalancerRecipe.backendName(frontend.role())).append(" {\n");
        if (frontend.sticky()) {
            // Requests without a session cookie have an empty key, which nginx balances round robin.
            out.append("        hash $cookie_JSESSIONID consistent;\n");
        }
        for (Server server : frontend.servers()) {
            out.append("        server unix:").append(relaySocket(layout, server)).append(' ').append(PASSIVE_HEALTH)
                    .append(server.drained() ? " down" : "").append(";  # ").append(server.name()).append("\n");
        }
        out.append("        keepalive 16;\n");
        out.append("    }\n");
    }

    private static void endpointServer(StringBuilder out, Frontend frontend, Layout layout) {
        String pem = layout.path(LoadBalancerRecipe.ENDPOINT_PEM);
        out.append("\n");
        out.append("    server {\n");
        out.append("        listen ").append(layout.bindsEveryInterface() ? String.valueOf(frontend.endpoint().port())
                : layout.listen(frontend.endpoint().port())).append(" ssl;\n");
        out.append("        server_name ").append(frontend.endpoint().host()).append(";\n");
        out.append("        ssl_certificate ").append(pem).append(";\n");
        out.append("        ssl_certificate_key ").append(pem).append(";\n");
        out.append("        location / {\n");
        out.append("            proxy_pass http://").append(LoadBalancerRecipe.backendName(frontend.role())).append(";\n");
        out.append("            proxy_next_upstream error timeout http_502 http_504;\n");
        out.append("            proxy_set_header Host $http_host;\n");
        out.append("            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n");
        out.append("            proxy_set_header X-Forwarded-Proto https;\n");
        out.append("            proxy_set_header X-Forwarded-Port ").append(frontend.endpoint().port()).append(";\n");
        out.append("            proxy_set_header Connection \"\";\n");
        out.append("        }\n");
        out.append("    }\n");
    }

    private static void relay(StringBuilder out, Server server, Layout layout) {
        String upstream = nodeUpstream(server);
        out.append("\n");
        out.append("    upstream ").append(upstream).append(" {\n");
        out.append("        server ").append(server.authority()).append(";\n");
        out.append("        keepalive 8;\n");
        out.append("    }\n");
        out.append("\n");
        out.append("    server {  # relay to ").append(server.name()).append(", verifying its own host name\n");
        out.append("        listen unix:").append(relaySocket(layout, server)).append(";\n");
        out.append("        location / {\n");
        out.append("            proxy_pass https://").append(upstream).append(";\n");
        out.append("            proxy_ssl_verify on;\n");
        out.append("            proxy_ssl_verify_depth 2;\n");
        out.append("            proxy_ssl_trusted_certificate ").append(layout.path(LoadBalancerRecipe.CA_FILE)).append(";\n");
        out.append("            proxy_ssl_name ").append(server.host()).append(";\n");
        out.append("            proxy_ssl_server_name ").append(LoadBalancerRecipe.isIpLiteral(server.host()) ? "off" : "on").append(";\n");
        out.append("            proxy_ssl_session_reuse on;\n");
        out.append("            proxy_next_upstream off;\n");
        out.append("            proxy_set_header Host $http_host;\n");
        out.append("            proxy_set_header X-Forwarded-For $http_x_forwarded_for;\n");
        out.append("            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;\n");
        out.append("            proxy_set_header X-Forwarded-Port $http_x_forwarded_port;\n");
        out.append("            proxy_set_header Connection \"\";\n");
        out.append("        }\n");
        out.append("    }\n");
    }
}
