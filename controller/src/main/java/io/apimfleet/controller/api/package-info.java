/**
 * The controller's HTTPS JSON API (Vert.x Web): enrollment and renewal for agents, admin routes
 * for the CLI (agents, controllers, events, node requests, metrics). Routes only: work happens in
 * pki, registry and journal; whether this controller may do leader-only work comes in as a
 * {@link io.apimfleet.controller.api.ControllerRole}.
 */
package io.apimfleet.controller.api;
