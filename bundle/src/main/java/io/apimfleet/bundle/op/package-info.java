/**
 * The meaning of each bundle operation, applied to the staging view of a home; secrets are
 * resolved here, at the last moment. Writes only to the view, never to disk.
 */
package io.apimfleet.bundle.op;
