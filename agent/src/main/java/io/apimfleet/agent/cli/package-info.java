/** The {@code fleet-agent} command line; parses arguments and prints, nothing more. */
package io.apimfleet.agent.cli;
