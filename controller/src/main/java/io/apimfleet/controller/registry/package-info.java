/**
 * Live agents: connection state from heartbeats (in memory, refilled after a restart) and
 * request/reply to one agent over the event bus. Enrolled identities stay in {@code pki}.
 * Clustered, the table covers the agents linked to every controller (each is told which controller
 * holds an agent's connection), and requests for agents linked elsewhere go through an
 * {@link io.apimfleet.controller.registry.AgentRequests.Relay}.
 */
package io.apimfleet.controller.registry;
