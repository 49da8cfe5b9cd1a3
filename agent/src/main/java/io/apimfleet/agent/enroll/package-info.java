/**
 * The host's half of trust: joining a fleet (the CA pin checked before anything is sent), the
 * agent's identity and state directory, certificate renewal, and the key pairs made on this host
 * (its fleet identity, its product TLS key) with the requests sent for them. Private keys stay in
 * the host's state directory; the join token is never stored or logged.
 */
package io.apimfleet.agent.enroll;
