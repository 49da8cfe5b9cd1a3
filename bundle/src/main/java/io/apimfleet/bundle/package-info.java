/**
 * The bundle applier: the meaning of each bundle operation, applied to a product home through a
 * staged copy and an atomic, journaled swap, with per-revision backups and rollback. A library:
 * the agent applies bundles with it, the CLI renders offline with it. Knows no product.
 */
package io.apimfleet.bundle;
