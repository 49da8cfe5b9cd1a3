/**
 * The wire contract shared by controller and agents: protocol version, JSON mapping, content
 * hashing and secret references. Pure data: no I/O, no Vert.x, no product knowledge.
 */
package io.apimfleet.protocol;
