/**
 * Java keystores as bundle content: opened with the host's password (or a previous one),
 * changed entry by entry, compared by content, written as JKS; and the in-memory stores behind
 * a TLS identity ({@link io.apimfleet.bundle.keystore.SingleKeyManagers}) and a one-CA trust
 * ({@link io.apimfleet.bundle.keystore.SingleCaTrust}). JDK only; never logs a key or a password.
 */
package io.apimfleet.bundle.keystore;
