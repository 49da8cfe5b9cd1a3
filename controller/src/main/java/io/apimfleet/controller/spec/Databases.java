package io.apimfleet.controller.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared databases; an absent one leaves API-M on its embedded H2 for that purpose.
 *
 * @param driverJar the JDBC driver on the controller, copied to every API-M node; may be null
 */
public record Databases(String driverJar, Database apimgt, Database usermgt, Database registry) {
    public static final Databases NONE = new Databases(null, null, null, null);

    /** The databases present, by their YAML name (apimgt, usermgt, registry), in that order. */
    public Map<String, Database> byName() {
        Map<String, Database> present = new LinkedHashMap<>();
        if (apimgt != null) {
            present.put("apimgt", apimgt);
        }
        if (usermgt != null) {
            present.put("usermgt", usermgt);
        }
        if (registry != null) {
            present.put("registry", registry);
        }
        return Collections.unmodifiableMap(present);
    }
}
