/**
 * Rollouts: a spec rendered into every node's bundle (trust included), planned as dry runs, and
 * applied phase by phase in start order, each phase gated on its nodes' probes, with rollback of a
 * failed node. Owns the rollout journal and the applied spec revisions; runs on the controller's
 * event loop (state files on its worker). Clustered, the leader shares its spec revisions and
 * records with the other controllers and a new leader takes over a rollout left running
 * ({@code Rollouts.share}, {@code Rollouts.takeOver}). Must not know WSO2 paths: that is {@code recipe}.
 */
package io.apimfleet.controller.rollout;
