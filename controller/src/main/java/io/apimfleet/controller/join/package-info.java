/**
 * {@code fleet controller join}: a second or third controller becomes part of a fleet without a
 * copy of the first controller's state. {@link io.apimfleet.controller.join.ControllerJoin} is the
 * joining side (pin the first controller's fleet root, send three CSRs with a one-time controller
 * token, check the intermediates it gets, fetch the cluster secrets over the controller-peer
 * mutual TLS channel, write the new state); {@link io.apimfleet.controller.join.PeerSecretsListener}
 * is the first controller's side of that channel. The signing itself is the {@code pki} package's
 * ({@code ControllerAdmission}); the HTTPS route is the {@code api} package's. Owns no Hazelcast
 * and no replicated state: the secrets travel once, here, never through Hazelcast.
 */
package io.apimfleet.controller.join;
