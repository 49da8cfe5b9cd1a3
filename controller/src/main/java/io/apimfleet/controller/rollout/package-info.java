/**
 * Rollouts: a spec rendered into every node's bundle (trust included), planned as dry runs, and
 * applied phase by phase in start order, each phase gated on its nodes' probes, with rollback of a
 * failed node. Owns the rollout journal and the applied spec revisions; runs on the controller's
 * event loop (state files on its worker). Must not know WSO2 paths: that is {@code recipe}.
 */
package io.apimfleet.controller.rollout;
