package io.apimfleet.bundle.op;

import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.protocol.SecretRef;

import java.util.LinkedHashSet;
import java.util.Set;

/** Resolves references for one bundle run and remembers every value, so reports can mask them. */
public final class SecretValues {
    private final Secrets secrets;
    private final Set<String> used = new LinkedHashSet<>();

    public SecretValues(Secrets secrets) {
        this.secrets = secrets;
    }

    public String resolve(String value, String where) {
        return SecretRef.resolve(value, name -> {
            String secret = secrets.lookup(name).orElseThrow(() ->
                    new BundleException(where + ": secret '" + name + "' is not available; supply it with --secrets FILE or FLEET_SECRET_"
                            + name.toUpperCase().replace('-', '_').replace('.', '_')));
            used.add(secret);
            return secret;
        });
    }

    /** The values resolved so far. */
    public Set<String> used() {
        return Set.copyOf(used);
    }
}
