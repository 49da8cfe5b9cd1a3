/**
 * The agents' TCP event-bus bridge and its authorisation by client-certificate CN: own addresses
 * only, controller addresses and given replies only, verified identity stamped on every frame.
 * Must not trust a node name from a message body.
 */
package io.apimfleet.controller.bridge;
