/**
 * The controller's control-plane PKI and its state directory: the fleet and product CAs,
 * certificate issuing, PEM and sealed-secret files, join tokens, agent enrollment and renewal,
 * the agent registry and revocation. Knows nothing of WSO2 files, bundles or the network: the
 * HTTPS API and the event-bus bridge call it; product keystores build on it in {@code trust}.
 */
package io.apimfleet.controller.pki;
