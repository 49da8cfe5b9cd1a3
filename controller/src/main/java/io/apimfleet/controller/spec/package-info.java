/**
 * The cluster spec: the immutable model users describe in {@code cluster.yaml}, its YAML loader
 * (every value keeps its file:line:column) and its validation. Pure data and checks: no network,
 * no product files, no knowledge of bundles; recipes and the CLI build on it, never the reverse.
 */
package io.apimfleet.controller.spec;
