/**
 * Playing the product: the profile's listeners, the health rule (start delay plus verified
 * start-time dependencies), the dependency dialler and the wso2carbon.log lines. Never edits the home.
 */
package io.apimfleet.standin.server;
