package io.apimfleet.controller.spec;

import java.util.List;

/**
 * The API-M distribution every node runs.
 *
 * @param version  the API-M version, one of {@link #SUPPORTED_VERSIONS}
 * @param home     {@code <API-M_HOME>} on every host, unless a node overrides it
 * @param javaHome the product's own JVM (API-M 2.x needs Java 8); null means the host's default
 */
public record Product(String version, String home, String javaHome) {
    public static final String DEFAULT_VERSION = "2.2.0";
    public static final List<String> SUPPORTED_VERSIONS = List.of("2.1.0", "2.2.0");

    /** Where the distribution unpacks by default: {@code /opt/wso2am-<version>}. */
    public static String defaultHome(String version) {
        return "/opt/wso2am-" + (version == null ? DEFAULT_VERSION : version);
    }

    public static Product defaults() {
        return new Product(DEFAULT_VERSION, defaultHome(DEFAULT_VERSION), null);
    }
}
