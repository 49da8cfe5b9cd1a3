package io.apimfleet.controller.metrics;

import io.apimfleet.controller.pki.EnrollmentRefused;
import io.apimfleet.protocol.link.AgentRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The controller's own meters, served as Prometheus text at {@code GET /metrics} next to Vert.x's
 * (HTTP server, net, pools) and the JVM's:
 * <pre>
 *   fleet_agents_connected                                   gauge
 *   fleet_heartbeats_total                                   counter
 *   fleet_enrollments_total{outcome="issued"|"refused:REASON"}  counter
 *   fleet_agent_requests_seconds{kind,outcome}               timer (count, sum, max)
 *   fleet_bridge_refused_total{kind}                         counter
 *   fleet_journal_events                                     gauge
 * </pre>
 * Every known tag combination is registered at start, so a series exists (at zero) before its
 * first event.
 */
public final class FleetMetrics {
    /** Outcomes of a request to an agent. */
    public static final List<String> REQUEST_OUTCOMES = List.of("ok", "refused", "timeout", "not-connected", "failed");
    public static final List<String> BRIDGE_KINDS = List.of("register", "unregister", "send", "publish");

    private final PrometheusMeterRegistry registry;
    private final Counter heartbeats;

    public FleetMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public FleetMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.heartbeats = Counter.builder("fleet.heartbeats").description("heartbeats received from agents").register(registry);
        enrollmentCounter("issued");
        for (EnrollmentRefused.Reason reason : EnrollmentRefused.Reason.values()) {
            enrollmentCounter("refused:" + reason.code());
        }
        for (AgentRequest.Kind kind : AgentRequest.Kind.values()) {
            for (String outcome : REQUEST_OUTCOMES) {
                requestTimer(kind, outcome);
            }
        }
        BRIDGE_KINDS.forEach(this::bridgeCounter);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The gauges read live values: the number of connected agents and of journal entries. */
    public void gauges(Supplier<Number> connectedAgents, Supplier<Number> journalEntries) {
        Gauge.builder("fleet.agents.connected", connectedAgents).description("agents whose heartbeats arrive").register(registry);
        Gauge.builder("fleet.journal.events", journalEntries).description("entries in the controller's journal").register(registry);
    }

    public void heartbeat() {
        heartbeats.increment();
    }

    /** {@code issued} or {@code refused:<reason code>}. */
    public void enrollment(String outcome) {
        enrollmentCounter(outcome).increment();
    }

    public void agentRequest(AgentRequest.Kind kind, String outcome, Duration took) {
        requestTimer(kind, outcome).record(took);
    }

    public void bridgeRefused(String kind) {
        bridgeCounter(kind).increment();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        registry.close();
    }

    private Counter enrollmentCounter(String outcome) {
        return Counter.builder("fleet.enrollments").description("enrollments over HTTPS, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    private Timer requestTimer(AgentRequest.Kind kind, String outcome) {
        return Timer.builder("fleet.agent.requests").description("requests to agents, by kind and outcome")
                .tag("kind", kind.name().toLowerCase(Locale.ROOT)).tag("outcome", outcome).register(registry);
    }

    private Counter bridgeCounter(String kind) {
        return Counter.builder("fleet.bridge.refused").description("bridge frames refused by the authorisation, by kind")
                .tag("kind", kind).register(registry);
    }
}
