/**
 * The controller daemon: starts Vert.x with the HTTPS API and the agents' bridge, issues the
 * controller's own TLS certificate at start, and runs blocking state work off the event loops
 * (one state thread; concurrent enrollments grouped into one commit there, {@link GroupCommit}).
 * Holds no authorisation or protocol logic of its own ({@code api}, {@code bridge} do).
 */
package io.apimfleet.controller.daemon;
