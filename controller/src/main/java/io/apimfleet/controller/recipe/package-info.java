/**
 * WSO2 API-M 2.x product knowledge, and the only place that has it: per role, the bundle that
 * takes a freshly unzipped {@code <API-M_HOME>} to its place in the distributed pattern (file
 * paths, XPaths, webapp names, ports, profiles). Pure functions of the cluster spec; no I/O but
 * reading the JDBC driver jar the spec names.
 */
package io.apimfleet.controller.recipe;
