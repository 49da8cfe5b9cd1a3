/**
 * The bundle vocabulary: a bundle is an ordered list of idempotent operations against one host's
 * product home. These records say what to do; their meaning lives in the {@code bundle} module.
 */
package io.apimfleet.protocol.bundle;
