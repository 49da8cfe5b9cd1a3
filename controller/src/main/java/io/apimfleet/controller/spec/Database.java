package io.apimfleet.controller.spec;

/**
 * One shared database.
 *
 * @param url      a JDBC URL
 * @param password null, or a {@code ${secret:NAME}} reference in a valid spec
 */
public record Database(String url, String username, String password) {
}
