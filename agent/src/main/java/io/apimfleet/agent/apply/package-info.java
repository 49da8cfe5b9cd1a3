/**
 * Glue between the agent and the bundle library: the host's home, state directory and secrets,
 * and the single worker that runs the controller's bundle requests one at a time.
 */
package io.apimfleet.agent.apply;
