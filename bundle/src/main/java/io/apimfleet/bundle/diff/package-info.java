/**
 * Explaining a bundle: unified diffs of staged files against the home, with every secret value
 * masked as {@code (secret)}. Reads only.
 */
package io.apimfleet.bundle.diff;
