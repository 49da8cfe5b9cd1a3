package io.apimfleet.controller.pki;

/**
 * What an issued (non-CA) certificate's key may do. Key usage bits that only make sense for RSA
 * ({@code keyEncipherment}, {@code dataEncipherment}) are set only when the subject key is RSA.
 */
public enum KeyPurpose {
    /** TLS servers that are also clients (a node's HTTPS listeners): digitalSignature (+keyEncipherment), EKU serverAuth+clientAuth. */
    SERVER_AND_CLIENT_TLS,
    /** TLS clients only (agents, the admin CLI): digitalSignature, EKU clientAuth. */
    CLIENT_TLS,
    /** The product's primary key (signs JWTs, encrypts data; some listeners present it): digitalSignature (+keyEncipherment, dataEncipherment), EKU serverAuth+clientAuth. */
    SIGNING
}
