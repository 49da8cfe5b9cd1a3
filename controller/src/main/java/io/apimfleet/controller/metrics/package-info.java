/** The controller's Micrometer meters and their Prometheus exposition; no logic besides counting. */
package io.apimfleet.controller.metrics;
