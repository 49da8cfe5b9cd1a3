package io.apimfleet.controller.spec;

import java.util.List;

/**
 * The API-M distribution every node runs.
 *
 * @param version  the API-M version: {@link #DEFAULT_VERSION}, the only one the recipes render
 * @param home     {@code <API-M_HOME>} on every host, unless a node overrides it
 * @param javaHome the product's own JVM (API-M 2.x needs Java 8); null means the host's default
 */
public record Product(String version, String home, String javaHome) {
    public static final String DEFAULT_VERSION = "2.2.0";
    /**
     * The versions the recipes render: 2.2.0 only. Another version (2.1.0 among them: its throttling
     * settings live elsewhere in api-manager.xml) would be written with 2.2.0's layout.
     */
    public static final List<String> SUPPORTED_VERSIONS = List.of(DEFAULT_VERSION);

    /** Where the distribution unpacks by default: {@code /opt/wso2am-<version>}. */
    public static String defaultHome(String version) {
        return "/opt/wso2am-" + (version == null ? DEFAULT_VERSION : version);
    }

    public static Product defaults() {
        return new Product(DEFAULT_VERSION, defaultHome(DEFAULT_VERSION), null);
    }
}
