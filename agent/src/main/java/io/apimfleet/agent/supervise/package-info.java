/**
 * Product supervision: the product's command run in a session of its own through a small wrapper
 * that records its exit code, pid tracking that survives an agent restart (adoption, never a
 * restart), graceful stop then kill, exit events and the log tail.
 */
package io.apimfleet.agent.supervise;
