/**
 * Java keystores as bundle content: opened with the host's password (or a previous one),
 * changed entry by entry, compared by content, written as JKS. JDK only; never logs a key or
 * a password.
 */
package io.apimfleet.bundle.keystore;
