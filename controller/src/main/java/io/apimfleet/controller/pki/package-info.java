/**
 * The controller's control-plane PKI and its state directory: the fleet and product CAs,
 * certificate issuing, PEM and sealed-secret files, join tokens, agent enrollment and renewal,
 * the agent registry and revocation (by issuer and serial), and controllers joining the fleet
 * ({@link io.apimfleet.controller.pki.ControllerAdmission}: intermediates the roots sign for a
 * joining controller's keys; {@link io.apimfleet.controller.pki.ControllerState#createJoined} writes
 * a joined controller's state, whose CAs are those intermediates). Knows nothing of WSO2 files, bundles or the network: the
 * HTTPS API and the event-bus bridge call it; product keystores build on it in {@code trust}.
 */
package io.apimfleet.controller.pki;
