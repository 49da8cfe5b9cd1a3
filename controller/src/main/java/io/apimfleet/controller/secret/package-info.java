/**
 * The controller's secret store: values for the spec's {@code ${secret:NAME}} references, sealed
 * in the state directory so a rollout resumed later needs nobody to type them again. Values leave
 * it only inside requests to agents; never in logs, events or API answers.
 */
package io.apimfleet.controller.secret;
