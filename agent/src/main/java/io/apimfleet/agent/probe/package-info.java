/**
 * Health probes the bundle defines as data (TCP connect, HTTP and HTTPS GET), run by the agent
 * against its own product on a timer, with thresholds and a start-up allowance. Reports changes;
 * knows no product.
 */
package io.apimfleet.agent.probe;
