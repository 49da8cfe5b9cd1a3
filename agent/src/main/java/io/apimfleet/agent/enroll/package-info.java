/**
 * The host's half of trust: key pairs made on this host (its fleet identity, its product TLS key)
 * and the certificate requests sent for them. Private keys stay in the host's state directory.
 */
package io.apimfleet.agent.enroll;
