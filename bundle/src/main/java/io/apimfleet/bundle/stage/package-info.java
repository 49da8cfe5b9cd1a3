/**
 * Staging and swapping: the in-memory overlay a bundle is computed on, the state directory
 * (history, backups per revision, the intent journal), and the crash-safe swap that makes a
 * home wholly old or wholly new. Nothing here is written inside the home except by the swap.
 */
package io.apimfleet.bundle.stage;
