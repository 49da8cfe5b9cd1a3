package io.apimfleet.controller.spec;

/**
 * The API-M super administrator.
 *
 * @param password always a {@code ${secret:NAME}} reference in a valid spec, never the secret itself
 */
public record Admin(String username, String password) {
    public static final String DEFAULT_USERNAME = "admin";

    public static Admin defaults() {
        return new Admin(DEFAULT_USERNAME, null);
    }
}
