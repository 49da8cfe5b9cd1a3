/**
 * The controller-agent link: event-bus addresses, the TCP bridge's frames (and their codec), and
 * the messages that travel in them. Pure data: sockets and Vert.x live in agent and controller.
 */
package io.apimfleet.protocol.link;
