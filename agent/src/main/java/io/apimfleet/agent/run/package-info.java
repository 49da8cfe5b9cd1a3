/**
 * The agent daemon ({@code fleet-agent run}): loads the identity, connects the link, answers the
 * controller's requests through the bundle worker, renews the certificate, stops cleanly. Wiring
 * only: what each part does lives in {@code enroll}, {@code link}, {@code apply} and {@code facts}.
 */
package io.apimfleet.agent.run;
