/**
 * {@code fleet demo}: a whole cluster on one machine from the installed distribution. Owns the
 * demo's folder (made, refused when it holds something else, reused after a previous demo, removed
 * when temporary), the child processes it starts (the controller, and per node a stand-in home, a
 * joined agent and its product) with their logs, and stopping every one of them. It applies
 * nothing itself: the {@code cli} package's {@code fleet demo} applies through {@code fleet apply}.
 */
package io.apimfleet.controller.demo;
