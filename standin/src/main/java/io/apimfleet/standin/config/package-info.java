/**
 * Reading a home the way API-M would: carbon.xml, catalina-server.xml, axis2.xml, api-manager.xml,
 * the data-bridge config and the stores they name. Read-only; knows nothing of sockets.
 */
package io.apimfleet.standin.config;
