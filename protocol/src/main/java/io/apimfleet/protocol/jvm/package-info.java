/**
 * What the two command-line programs ({@code fleet}, {@code fleet-agent}) share about their own
 * JVM rather than the wire: how a command ends. Kept here because this is the one module both
 * depend on.
 */
package io.apimfleet.protocol.jvm;
