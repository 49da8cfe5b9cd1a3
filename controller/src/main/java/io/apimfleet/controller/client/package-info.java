/**
 * The admin's HTTPS client of the controller API (java.net.http, mutual TLS with the admin
 * certificate, host name verified), for the CLI. No picocli and no printing here.
 */
package io.apimfleet.controller.client;
