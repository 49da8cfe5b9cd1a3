/**
 * The {@code fleet} command line: picocli commands, reading user files, printing results and
 * problems. Holds no cluster logic of its own: it calls {@code spec}, {@code pki} and, through
 * {@code client}, the running controller's HTTPS API; it never touches product files or agents
 * directly. {@code fleet controller run} starts the daemon ({@code daemon}).
 */
package io.apimfleet.controller.cli;
