/**
 * The {@code fleet} command line: picocli commands, reading user files, printing results and
 * problems. Holds no cluster logic of its own: it calls {@code spec} (and later the controller's
 * HTTP API) and never touches product files or agents directly.
 */
package io.apimfleet.controller.cli;
