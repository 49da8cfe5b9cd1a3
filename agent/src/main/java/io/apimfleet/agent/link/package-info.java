/**
 * The link to the controller: a client of its TCP event-bus bridge over mutual TLS (frames from
 * {@code protocol}), heartbeats, pings, reconnection with jittered exponential backoff, and failover
 * to another controller's bridge (the endpoints the controller advises). Knows no
 * bundle and no product; requests are handed to whoever the daemon wires in.
 */
package io.apimfleet.agent.link;
