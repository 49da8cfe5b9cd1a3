/**
 * Surgical XML editing: locates elements (and elements inside comments) by byte-exact offsets
 * and edits only their text, so everything outside an edited element stays identical. Never
 * round-trips a document through a DOM.
 */
package io.apimfleet.bundle.xml;
