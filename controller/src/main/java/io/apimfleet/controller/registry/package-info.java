/**
 * Live agents: connection state from heartbeats (in memory, refilled after a restart) and
 * request/reply to one agent over the event bus. Enrolled identities stay in {@code pki}.
 */
package io.apimfleet.controller.registry;
