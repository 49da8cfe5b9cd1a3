/**
 * The agent's own metrics, served as Prometheus text on a local port when
 * {@code fleet-agent run --metrics-port} asks for it (off by default: then nothing here is loaded).
 * Reads the daemon's state through {@link io.apimfleet.agent.metrics.AgentMetrics.Source}; changes nothing.
 */
package io.apimfleet.agent.metrics;
