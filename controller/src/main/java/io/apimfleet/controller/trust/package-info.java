/**
 * The product PKI of each cluster: its primary key pair (made once, sealed at rest, delivered
 * only as secret material), the TLS certificates it signs for nodes' own keys, and the trust
 * material a node's bundle needs. Knows certificate policy, not WSO2 files (that is the recipes').
 */
package io.apimfleet.controller.trust;
