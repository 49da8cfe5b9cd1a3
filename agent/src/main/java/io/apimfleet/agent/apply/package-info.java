/** Glue between the agent and the bundle library: the host's home, state directory and secrets. */
package io.apimfleet.agent.apply;
