/**
 * The controller's HTTPS JSON API (Vert.x Web): enrollment and renewal for agents, admin routes
 * for the CLI (agents, events, node requests, metrics). Routes only: work happens in pki,
 * registry and journal.
 */
package io.apimfleet.controller.api;
