/**
 * The agents' TCP event-bus bridge and its authorisation by client-certificate CN: own addresses
 * only, controller addresses and given replies only, verified identity stamped on every frame.
 * Must not trust a node name from a message body.
 *
 * <p>Clustered ({@code --cluster}), {@link io.apimfleet.controller.bridge.AgentRelay} extends the
 * bridge to the other controllers over the clustered event bus: requests for the agents linked
 * here are taken from the leader and sent on to them (only with a leadership epoch), and their
 * heartbeats and events are passed on to every controller.
 */
package io.apimfleet.controller.bridge;
