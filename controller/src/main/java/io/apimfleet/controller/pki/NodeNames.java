package io.apimfleet.controller.pki;

import java.util.regex.Pattern;

/** Node names as the cluster spec has them: lower-case DNS labels. {@code fleet-*} is kept for the controller's own identities. */
public final class NodeNames {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private NodeNames() {
    }

    /** {@code name}, or an IllegalArgumentException saying what a node name must be. */
    public static String check(String name) {
        if (name == null || !DNS_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("node name '" + name
                    + "' is not a lower-case DNS label (a-z, 0-9 and '-', at most 63, as in the cluster spec, e.g. km1)");
        }
        if (name.startsWith("fleet-")) {
            throw new IllegalArgumentException("node name '" + name + "' is reserved: names starting with fleet- are the controller's own identities");
        }
        return name;
    }
}
