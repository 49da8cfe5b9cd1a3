/**
 * What the agent reports about its host with every heartbeat: names, versions, the home, free
 * disk, the applied bundle revision. Reads only; never changes the host, never reads a secret.
 */
package io.apimfleet.agent.facts;
