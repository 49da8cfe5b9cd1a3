/**
 * The controller's journal as numbered events: indexes {@code journal/events.ndjson} by line,
 * reads pages back and tells followers of new entries. Writes go through ControllerState.record.
 */
package io.apimfleet.controller.journal;
