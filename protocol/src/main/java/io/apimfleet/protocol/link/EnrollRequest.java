package io.apimfleet.protocol.link;

/** {@code POST /v1/enroll}: a join token and a CSR (PEM) for the node's identity key. */
public record EnrollRequest(String token, String csr) {
}
